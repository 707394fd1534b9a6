from simlab.cli import run

run()
