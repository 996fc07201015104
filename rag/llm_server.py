"""llama.cpp's own OpenAI-compatible HTTP server, run as a child process and supervised.

``python -m rag.llm_server --model FILE --port N`` serves a GGUF file with llama.cpp's server
(the prebuilt ``xllamacpp`` wheel: no compiler, installs in seconds). ``LocalServer`` starts it
on a free loopback port, waits until ``/health`` answers, restarts it when it has died, and
stops it with its parent. The answer stage talks to it with the same OpenAI-compatible client
that talks to a newsroom's vLLM, Ollama or llama-server; nothing else in the project knows it
is local.

Its prompt cache does the work a hand-written state cache did before: the fixed prefix (rules
and worked examples) and the last passages stay evaluated in each slot, and ``--cache-ram``
keeps earlier prompts in memory, so a question about a passage seen before evaluates only its
own tokens.

    python -m rag.llm_server --model ~/.local/share/article-qa/cache/qwen2.5-coder-1.5b.gguf \\
        --port 8081 --threads 2 --parallel 2
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from core.errors import BackendUnavailable

READY_TIMEOUT_S = 120.0


def serve(
    model: str,
    port: int,
    threads: int,
    ctx: int,
    parallel: int,
    cache_ram_mib: int,
    slots: str = "",
    parent: int = 0,
) -> None:
    """Run the server in this process until it is terminated."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = ctx * parallel  # llama.cpp splits the context between the slots
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.warmup = False
    params.cache_ram_mib = cache_ram_mib
    params.cache_prompt = True
    if slots:  # POST /slots/{id}?action=save|restore reads and writes evaluated states here
        Path(slots).mkdir(parents=True, exist_ok=True)
        params.slot_save_path = str(Path(slots)) + os.sep  # llama.cpp joins it to file names as is
    server = xllamacpp.Server(params)
    print(f"llama.cpp server listening on {server.listening_address}", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1.0):
        if parent and os.getppid() != parent:  # the app that started us is gone: no orphans
            break


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """The llama.cpp server as a supervised child process on a loopback port."""

    def __init__(
        self,
        model: Path,
        threads: int,
        ctx: int,
        parallel: int = 2,
        cache_ram_mib: int = 512,
        log_file: Path | None = None,
        slots: Path | None = None,
    ) -> None:
        self.model = model
        self.threads = threads
        self.ctx = ctx
        self.parallel = parallel
        self.cache_ram_mib = cache_ram_mib
        self.log_file = log_file
        self.slots = slots
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint (``…/v1``); starts the server if it is not running."""
        self.ensure()
        return f"http://127.0.0.1:{self.port}/v1"

    def alive(self) -> bool:
        """True while the child process runs."""
        return self._process is not None and self._process.poll() is None

    def ensure(self) -> None:
        """Start the server, or start it again if it died; return once it answers /health."""
        with self._lock:
            if self.alive():
                return
            self.port = self.port or free_port()  # the same port after a restart: clients keep their URL
            log = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
            command = [
                sys.executable, "-m", "rag.llm_server", "--model", str(self.model), "--port", str(self.port),
                "--threads", str(self.threads), "--ctx", str(self.ctx), "--parallel", str(self.parallel),
                "--cache-ram", str(self.cache_ram_mib), *(["--slots", str(self.slots)] if self.slots else []),
            ]  # fmt: skip
            command += ["--parent", str(os.getpid())]
            self._process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
            atexit.register(self.stop)
            self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        url = f"http://127.0.0.1:{self.port}/health"
        while time.monotonic() < deadline:
            if not self.alive():
                raise BackendUnavailable(f"the llama.cpp server exited at start (see {self.log_file})")
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BackendUnavailable(f"the llama.cpp server did not answer within {READY_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        """Terminate the child process (and wait for it)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """Kill the child process as a crash would (for fault tests)."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()


def main(argv: list[str] | None = None) -> int:
    """``python -m rag.llm_server``: serve one GGUF model on a loopback port."""
    parser = argparse.ArgumentParser(prog="python -m rag.llm_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="the GGUF file")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp threads (see README)")
    parser.add_argument("--ctx", type=int, default=2048, help="context per slot, in tokens")
    parser.add_argument("--parallel", type=int, default=2, help="slots answering at once")
    parser.add_argument("--cache-ram", type=int, default=512, help="MiB of earlier prompts kept")
    parser.add_argument("--slots", default="", help="folder for saved slot states (enables save/restore)")
    parser.add_argument("--parent", type=int, default=0, help="exit when this process is gone")
    args = parser.parse_args(argv)
    if not Path(args.model).is_file():
        parser.error(f"no model file at {args.model}")
    serve(
        args.model, args.port, args.threads, args.ctx, args.parallel, args.cache_ram, args.slots, args.parent
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
