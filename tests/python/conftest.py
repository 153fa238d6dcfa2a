"""Starts the reference server binary for the boto3 and AWS CLI tests.

The binary comes from REKOGNITION_SERVER_BIN (set by `cargo xtask test`), else target/debug.
"""

import os
import pathlib
import signal
import subprocess
import time

import boto3
import botocore.config
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def server_binary():
    return os.environ.get("REKOGNITION_SERVER_BIN", str(ROOT / "target" / "debug" / "rekognition-server"))


class Server:
    """A running reference server: its URL, its projects' ARNs, and how to stop it."""

    def __init__(self, *args):
        self.process = subprocess.Popen(
            [server_binary(), "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        first = self.process.stdout.readline()
        assert first.startswith("Rekognition listening on "), first
        self.url = first.split()[3]
        self.projects = {}
        for name in [a for i, a in enumerate(args) if i > 0 and args[i - 1] == "--project"]:
            line = self.process.stdout.readline()
            assert line.startswith(f"Project {name}: "), line
            self.projects[name] = line.split(": ", 1)[1].strip()

    def client(self, region="us-east-1", access_key="AKIDTEST", secret="secret"):
        return boto3.client(
            "rekognition",
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret,
            config=botocore.config.Config(retries={"max_attempts": 1}),
        )

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(*args):
        if "--s3-root" not in args:
            args = (*args, "--s3-root", str(tmp_path / "s3"))
        if "--data-dir" not in args:
            args = (*args, "--in-memory")
        if "--credentials-file" not in args:
            args = (*args, "--access-key", "AKIDOTHER=210987654321")
        server = Server(*args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(start_server):
    return start_server("--project", "demo")


@pytest.fixture
def client(server):
    return server.client()


def wait_until(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
