"""User-caused failures are one line with exit 2, naming what to fix (the README's table)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from simlab.cli import bench, serve

PLAIN = "from simlab import Experiment\n\n\nclass Plain(Experiment):\n    pass\n"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once closed


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_bench_against_a_closed_port(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    assert bench.main(["transmit", "--url", f"http://127.0.0.1:{port}"]) == 2
    line = one_line(capsys)
    assert line.startswith(f"simlab bench: cannot reach --url http://127.0.0.1:{port}: ConnectError")


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--routes", "nope"], "unknown route(s) in --routes: nope"),
        (["--duration", "0"], "--duration must be > 0"),
        (["--nodes", "1"], "--nodes must be >= 2"),
    ],
)
def test_bench_bad_flags(flags: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["transmit", *flags]) == 2
    assert says in one_line(capsys)


def test_a_config_txt_without_a_section_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain.py").write_text(PLAIN)
    (tmp_path / "config.txt").write_text("base_payment = 2\n")
    assert serve.main([str(tmp_path / "plain.py"), "--in-memory"]) == 2
    line = one_line(capsys)
    assert line == (
        f"simlab serve: {tmp_path / 'config.txt'}: line 1: 'base_payment = 2' comes before any section header "
        "(Dallinger's config.txt starts with a section such as [Experiment])"
    )


def test_a_bad_config_value_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain.py").write_text(PLAIN)
    (tmp_path / "config.txt").write_text("[Experiment]\nbase_payment = lots\n")
    assert serve.main([str(tmp_path / "plain.py"), "--in-memory"]) == 2
    assert one_line(capsys) == f"simlab serve: {tmp_path / 'config.txt'}: config value base_payment = 'lots' is not a valid float"


def test_web_on_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    from simlab.cli import scenario

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert scenario.main(["run", "quickstart", "--web", str(port), "-q"]) == 2
    assert one_line(capsys) == f"simlab scenario: --web cannot listen on 127.0.0.1:{port}: the port is in use"
