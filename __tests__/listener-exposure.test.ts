import { broadExposureWarnings, testListenerExposureProblems } from '../config/listener-exposure';

const test8080 = { field: 'testListener.allowedCidrs', what: 'the test port 8080' };
const production = { field: 'loadBalancer.allowedCidrs', what: 'the production port 443' };

describe('test listener: the whole internet by the union of the ranges needs allowPublicAccess', () => {
  test.each([
    [['0.0.0.0/0']],
    [['0.0.0.0/1', '128.0.0.0/1']],
    [['128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2']],
    [['::/0']],
    [['::/1', '8000::/1']],
    // IPv6 public space is 2000::/3: covering it is all of the IPv6 internet.
    [['2000::/3']],
    [['203.0.113.0/24', '0.0.0.0/1', '128.0.0.0/1']],
  ])('%j is refused without the opt-in, naming the ranges and the switch', (cidrs) => {
    const problems = testListenerExposureProblems(cidrs, false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^testListener\.allowedCidrs must not open the test port to the whole internet: .* covers all public IPv[46] addresses; set testListener\.allowPublicAccess to true/);
  });

  test('both families open: one problem per family', () => {
    expect(testListenerExposureProblems(['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1'], false)).toHaveLength(2);
  });

  test('allowed with allowPublicAccess, and not for anything short of everything', () => {
    expect(testListenerExposureProblems(['0.0.0.0/1', '128.0.0.0/1'], true)).toEqual([]);
    expect(testListenerExposureProblems(['0.0.0.0/1'], false)).toEqual([]);
    // Four blocks that together cover all of IPv4, written without any /0 or /1 pair.
    expect(testListenerExposureProblems(['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/3'], false)).toHaveLength(1);
    expect(testListenerExposureProblems(['10.0.0.0/8', '203.0.113.0/24'], false)).toEqual([]);
  });

  test('skips what is not a list or not a CIDR (reported by validation elsewhere)', () => {
    expect(testListenerExposureProblems('0.0.0.0/0', false)).toEqual([]);
    expect(testListenerExposureProblems(['nope', 42, '0.0.0.0/1'], false)).toEqual([]);
  });
});

describe('broad but not the whole internet: a synth warning', () => {
  test('a union over one IPv4 /8 is named with its share of the internet and the broad ranges', () => {
    const [warning, ...rest] = broadExposureWarnings(['0.0.0.0/2', '203.0.113.0/24'], test8080);
    expect(rest).toEqual([]);
    expect(warning).toContain('testListener.allowedCidrs lets 28.1% of public IPv4');
    expect(warning).toContain('the test port 8080');
    expect(warning).toContain('ranges broader than one IPv4 /8: 0.0.0.0/2');
  });

  test('many narrow ranges whose union is broad are warned about though none alone is', () => {
    const eights = Array.from({ length: 3 }, (_, i) => `${11 + i}.0.0.0/8`);
    const [warning] = broadExposureWarnings([...eights], test8080);
    expect(warning).toMatch(/lets \d+(\.\d+)?% of public IPv4/);
    expect(warning).not.toContain('ranges broader than');
  });

  test('IPv6 over one /32 is broad', () => {
    expect(broadExposureWarnings(['2001:db8::/32', '2400::/12'], production)[0]).toContain('more than one IPv6 /32 holds');
  });

  test('the whole internet, a known network, or private space: no warning', () => {
    expect(broadExposureWarnings(['0.0.0.0/0', '::/0'], production)).toEqual([]);
    expect(broadExposureWarnings(['198.51.100.0/24', '2001:db8:1::/48'], test8080)).toEqual([]);
    expect(broadExposureWarnings(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'], test8080)).toEqual([]);
    expect(broadExposureWarnings(['11.0.0.0/8'], test8080)).toEqual([]);
  });

  test('the production listener is told how to mean the whole internet', () => {
    expect(broadExposureWarnings(['0.0.0.0/1'], production)[0]).toContain('or 0.0.0.0/0 and ::/0 for the whole internet');
    expect(broadExposureWarnings(['0.0.0.0/1'], test8080)[0]).not.toContain('0.0.0.0/0');
  });
});
