"""
The real AWS CLI without its start-up, for tests: a long-lived "zygote" process imports the
installed AWS CLI (awscli v1, the machine's own) once, and each `aws ...` call of a test forks it.
The fork takes over the caller's stdin, stdout and stderr (passed as file descriptors over a Unix
socket), its arguments, environment and working directory, and runs the AWS CLI's own driver
(`awscli.clidriver`), so parsing, signing, HTTP and output are the CLI's, byte for byte; only
Python's start-up and the CLI's imports (about a second a call on a busy machine) are skipped.

test/support/env.js puts a small `aws` client script first on the tests' PATH when this works here
(LOCALBATCH_TEST_AWS_ZYGOTE=0 turns it off). The client starts the zygote when none answers and
falls back to the real `aws` when it cannot. The zygote exits after IDLE_SECONDS without a call.
"""
import json
import os
import signal
import socket
import struct
import sys
import time

IDLE_SECONDS = 120
MAX_REQUEST = 1 << 20


def _send_reply(conn, rc):
    try:
        conn.sendall(struct.pack('!i', rc))
    except OSError:
        pass


def _child(conn, request, fds):
    """In the forked child: become the caller's `aws` process, run the CLI, report the exit code."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request['env'])
    # What `import awscli` does to the environment (awscli/__init__.py), done again for this caller's.
    import awscli
    data = [os.path.expanduser(os.path.expandvars(p)) for p in os.environ.get('AWS_DATA_PATH', '').split(os.pathsep) if p]
    os.environ['AWS_DATA_PATH'] = os.pathsep.join(data + [os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), 'data')])
    os.chdir(request['cwd'])
    os.umask(request.get('umask', 0o022))
    sys.argv = ['aws'] + request['argv']

    # The caller went away (killed by a timeout): stop rather than run on with its pipes open.
    import threading

    def watch():
        try:
            while conn.recv(1):
                pass
        except OSError:
            pass
        os._exit(143)

    threading.Thread(target=watch, daemon=True).start()
    rc = 255
    try:
        import awscli.clidriver
        rc = awscli.clidriver.create_clidriver().main(request['argv'])
    except KeyboardInterrupt:
        rc = 130
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    _send_reply(conn, rc if isinstance(rc, int) else 255)
    os._exit(0)


def _remember_service_lists():
    """
    botocore lists the services by scanning its data folders (about 1,700 directories) once per
    session, so once per call here; the folders do not change while tests run, so the zygote keeps
    each list (by search path) and its forks start with it. Everything else runs as it comes.
    """
    import botocore.loaders
    scan = botocore.loaders.Loader.list_available_services
    known = {}

    def list_available_services(self, type_name):
        key = (tuple(self.search_paths), type_name)
        if key not in known:
            known[key] = scan(self, type_name)
        return list(known[key])

    botocore.loaders.Loader.list_available_services = list_available_services
    import awscli.clidriver
    awscli.clidriver.create_clidriver()._get_command_table()  # fills it for the default search path


def serve(path):
    import awscli.clidriver  # noqa: F401  (the imports the forks share)
    import awscli.handlers  # noqa: F401  (the CLI's plugins, loaded by every driver)
    _remember_service_lists()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(path)
    except OSError:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
            return  # another zygote answers there (it won the race)
        except OSError:
            os.unlink(path)  # left by a zygote that was killed
            server.bind(path)
        finally:
            probe.close()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the socket file goes with it (finally)
    os.chmod(path, 0o600)
    server.listen(64)
    server.settimeout(IDLE_SECONDS)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks reap themselves
    try:
        while True:
            try:
                conn, _ = server.accept()
            except socket.timeout:
                return
            try:
                conn.settimeout(10)
                data, fds, _, _ = socket.recv_fds(conn, MAX_REQUEST, 3)
                while not data.endswith(b'\n'):
                    more = conn.recv(MAX_REQUEST)
                    if not more:
                        break
                    data += more
                conn.settimeout(None)
                request = json.loads(data)
            except (OSError, ValueError):
                conn.close()
                continue
            if os.fork() == 0:
                server.close()
                _child(conn, request, fds)
            for fd in fds:
                os.close(fd)
            conn.close()
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def client(python, real_aws, path):
    """The `aws` on the tests' PATH: hand this call to the zygote, or run the real CLI."""
    argv = sys.argv[1:]
    request = json.dumps({'argv': argv, 'env': dict(os.environ), 'cwd': os.getcwd(), 'umask': _umask()}).encode() + b'\n'
    conn = None
    for attempt in range(100):
        try:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.connect(path)
            break
        except OSError:
            conn.close()
            conn = None
            if attempt == 0:
                _start_zygote(python, path)
            time.sleep(0.05)
    if conn is None:
        os.execv(real_aws, ['aws'] + argv)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(143))
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    socket.send_fds(conn, [request], [0, 1, 2])
    reply = b''
    while len(reply) < 4:
        chunk = conn.recv(4 - len(reply))
        if not chunk:
            os._exit(255)  # the fork died without an exit code
        reply += chunk
    os._exit(struct.unpack('!i', reply)[0] & 0xFF)


def _umask():
    old = os.umask(0)
    os.umask(old)
    return old


def _start_zygote(python, path):
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONIOENCODING='utf-8')
    devnull = os.open(os.devnull, os.O_RDWR)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        for target in (0, 1, 2):
            os.dup2(devnull, target)
        os.chdir('/')
        os.execve(python, [python, os.path.join(here, 'aws_cli_zygote.py'), 'serve', path], env)
    os.close(devnull)
    os.waitpid(pid, os.WNOHANG)


if __name__ == '__main__' and len(sys.argv) == 3 and sys.argv[1] == 'serve':
    serve(sys.argv[2])
