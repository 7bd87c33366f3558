"""Every subcommand answers --help with a usage and its options; an unknown subcommand or
option is a usage error (exit 2). The subcommands come from `scicov --help` itself, and must be
those of src/cli/command_<name>.cpp, so a new one is tested without touching this file."""
import os
import re
import subprocess
from pathlib import Path

from e2e import SCICOV, check, finish


def scicov(*args):
    return subprocess.run([SCICOV, *args], capture_output=True, text=True)


def section(text, title):
    """The entries of a CLI11 help section ("Options:", "Subcommands:"): first words of its
    indented lines, up to the next unindented line."""
    entries = []
    inside = False
    for line in text.splitlines():
        if line.strip() == title:
            inside = True
        elif inside and line and not line[0].isspace():
            break
        elif inside and re.match(r"^  \S", line):
            entries.append(line.split()[0])
    return entries


top = scicov("--help")
check(top.returncode == 0, f"scicov --help exits 0, not {top.returncode}")
check("Usage:" in top.stdout, "scicov --help prints a usage")
subcommands = section(top.stdout, "Subcommands:")
check(len(subcommands) > 0, "scicov --help lists subcommands")

source = Path(os.environ.get("SCICOV_SOURCE", Path(__file__).resolve().parents[2]))
files = sorted(p.stem[len("command_"):] for p in (source / "src" / "cli").glob("command_*.cpp"))
check(sorted(subcommands) == files, f"--help lists {sorted(subcommands)}, src/cli has command_ files for {files}")

for sub in subcommands:
    r = scicov(sub, "--help")
    check(r.returncode == 0, f"scicov {sub} --help exits 0, not {r.returncode}: {r.stderr.strip()}")
    check(re.search(rf"^Usage: .*scicov {sub}\b", r.stdout, re.MULTILINE) is not None,
          f"scicov {sub} --help prints 'Usage: scicov {sub} ...'")
    options = section(r.stdout, "Options:")
    check("-h,--help" in options, f"scicov {sub} --help lists -h,--help among its options: {options}")
    own = [o for o in options if o != "-h,--help"]
    check(len(own) > 0, f"scicov {sub} --help lists options of its own")
    for option in own:
        check(option.startswith("-") or re.match(r"^[A-Z_]+$", option) is not None,
              f"scicov {sub} --help: '{option}' is an option or a positional")

    wrong = scicov(sub, "--no-such-option")
    check(wrong.returncode == 2, f"scicov {sub} --no-such-option exits 2, not {wrong.returncode}")
    check(wrong.stderr.strip() != "" and wrong.stdout == "", f"scicov {sub} --no-such-option: a usage message on stderr only")

unknown = scicov("no-such-command")
check(unknown.returncode == 2, f"scicov no-such-command exits 2, not {unknown.returncode}")
check(unknown.stderr.strip() != "" and unknown.stdout == "", "scicov no-such-command: a usage message on stderr only")
bare = scicov()
check(bare.returncode == 2, f"scicov with no subcommand exits 2, not {bare.returncode}")
top_wrong = scicov("--no-such-option")
check(top_wrong.returncode == 2, f"scicov --no-such-option exits 2, not {top_wrong.returncode}")

finish()
