"""Runs AWS CLI commands one after another in this one interpreter (test-support/aws-cli.ts starts it).

Each command goes through `awscli.clidriver.main()`, the function the `aws` script itself calls
(AWS CLI v1 and v2 alike), with `sys.argv` set as the script would see it: a fresh botocore session,
the CLI's own argument parsing, serialization, response parsing and output formatting. What a command
shares with the previous ones is only the imported modules, which saves the interpreter's start-up
(about half a CPU-second per command, a second with v2). The AWS CLI's own functional tests run
commands the same way, one driver after another in one process.

The sessions share one botocore data loader (per data path), as all clients of one session do: it
keeps the JSON files it parsed (service models, endpoints), so a command does not decode a megabyte
of JSON again. Their content is the same files on disk; without it a command costs four times as much.

Protocol: a JSON request per line on stdin, `{"argv": [...], "waiterDelayScale": 0.01}`; a JSON
answer per line on file descriptor 3, `{"code", "stdout", "stderr", "waiterSleeps"}`. The first line
on fd 3 is `{"ready": true, "version": ...}` once awscli is imported. Standard output and error stay
free for anything the interpreter itself prints.
"""
import functools
import importlib
import io
import json
import os
import sys
import traceback


class ScaledClock:
    """Stands in for the `time` module inside botocore's waiter only: its sleeps are recorded as the
    waiter asked for them and last `scale` times as long (a stand-in's compressed clock, for the
    client's side). Every other attribute is the real `time` module's."""

    def __init__(self, real_time, scale, sleeps):
        self._real_time = real_time
        self._scale = scale
        self._sleeps = sleeps

    def sleep(self, seconds):
        self._sleeps.append(seconds)
        self._real_time.sleep(seconds * self._scale)

    def __getattr__(self, name):
        return getattr(self._real_time, name)


def exit_code(code):
    """What `sys.exit(code)` makes the process's exit status (a message is printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write('%s\n' % (code,))
    return 1


def run(clidriver, waiter, request):
    stdout = io.TextIOWrapper(io.BytesIO(), encoding='utf-8', errors='strict', write_through=True)
    stderr = io.TextIOWrapper(io.BytesIO(), encoding='utf-8', errors='backslashreplace', write_through=True)
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, waiter.time)
    sleeps = []
    scale = request.get('waiterDelayScale')
    if scale is not None:
        waiter.time = ScaledClock(saved[4], scale, sleeps)
    sys.argv = ['aws'] + list(request['argv'])
    # The requests come on stdin: a command reading it (`file://-`) finds it empty instead of the requests.
    sys.stdin = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')
    sys.stdout, sys.stderr = stdout, stderr
    try:
        # What the `aws` script does: sys.exit(main()).
        code = exit_code(clidriver.main())
    except SystemExit as e:
        code = exit_code(e.code)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr, waiter.time = saved
    text = lambda s: s.buffer.getvalue().decode('utf-8', errors='replace')
    return {'code': code, 'stdout': text(stdout), 'stderr': text(stderr), 'waiterSleeps': sleeps}


def main():
    answers = os.fdopen(3, 'w', encoding='utf-8')
    send = lambda message: (answers.write(json.dumps(message) + '\n'), answers.flush())
    # As when the script runs: its own directory first on the path, not the working directory.
    sys.path[0] = sys.argv[1]
    # The `aws` script's own first step.
    if os.environ.get('LC_CTYPE', '') == 'UTF-8':
        os.environ['LC_CTYPE'] = 'en_US.UTF-8'
    import awscli
    import awscli.clidriver as clidriver
    # The botocore the CLI itself imported (Debian's v2 vendors it as awscli.botocore).
    botocore = clidriver.botocore.__name__
    session = importlib.import_module(botocore + '.session')
    session.create_loader = functools.lru_cache(maxsize=None)(session.create_loader)
    waiter = importlib.import_module(botocore + '.waiter')
    send({'ready': True, 'version': awscli.__version__})
    requests = sys.stdin
    for line in requests:
        if line.strip():
            send(run(clidriver, waiter, json.loads(line)))


if __name__ == '__main__':
    main()
