"""Running the scicov program the way QGIS's GDAL provider runs the GDAL utilities
(GdalUtils.runGdal): the command is echoed to the log, GDAL-style progress on stderr
("coverage: 0...10...20...100 - done.") drives the dialog's bar, Cancel kills the process, and a
failure becomes one QgsProcessingException carrying scicov's own one-line message."""
import codecs
import glob
import os
import queue
import re
import shlex
import shutil
import subprocess
import threading

from qgis.core import QgsProcessingException

EXECUTABLE_SETTING = "SCICOV_EXECUTABLE"

_TICKS = re.compile(r"^(?P<stage>[^:\n]+): (?P<ticks>[0-9.]*)(?P<done> - done\.)?$")


def find_executable():
    """The setting when it is filled in, else `scicov` on PATH."""
    configured = ""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        configured = ProcessingConfig.getSetting(EXECUTABLE_SETTING) or ""
    except ImportError:  # pragma: no cover - Processing not loaded
        pass
    configured = str(configured).strip()
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise QgsProcessingException(
            f"scicov 程序不存在 the scicov executable set in Processing → Options → Providers → scicov "
            f"does not exist or cannot run: {configured}")
    found = shutil.which("scicov")
    if found:
        return found
    raise QgsProcessingException(
        "找不到 scicov 程序 scicov was not found on PATH: install it, or set its path under "
        "Processing → Options → Providers → scicov → scicov executable")


class StageProgress:
    """Turns the CLI's stage lines into one overall percentage. Every stage counts 0..100 on its
    own line; `expected_stages` spreads them over the bar (an estimate: the bar never passes 99
    before the run ends)."""

    def __init__(self, expected_stages):
        self.expected = max(1, expected_stages)
        self.finished = 0
        self.line = ""
        self.messages = []  # complete lines that are not progress (warnings, errors)
        self.stage = ""

    def feed(self, text):
        """Adds decoded stderr text; returns (percent or None, new message lines)."""
        new_messages = []
        for ch in text:
            if ch in "\r\n":
                if self.line.strip():
                    if self._progress_line(self.line):
                        self.finished += 1
                    else:
                        new_messages.append(self.line.rstrip())
                self.line = ""
            else:
                self.line += ch
        self.messages.extend(new_messages)
        return self.percent(), new_messages

    def _progress_line(self, line):
        m = _TICKS.match(line)
        return m if m and (m.group("ticks") or m.group("done")) is not None else None

    def percent(self):
        fraction = 0.0
        m = _TICKS.match(self.line)
        if m:
            self.stage = m.group("stage")
            ticks = m.group("ticks")
            numbers = re.findall(r"\d+", ticks)
            if numbers:
                fraction = int(numbers[-1]) / 100.0
                if ticks.endswith("..."):
                    fraction += 0.05  # between two ticks
        return min(99.0, 100.0 * (self.finished + min(fraction, 1.0)) / self.expected)


def leftovers(output, pid):
    """The temporary files a killed scicov leaves next to OUTPUT (OUT.tmp-PID.*)."""
    return glob.glob(glob.escape(output) + f".tmp-{pid}*")


def _close(proc, readers):
    for t in readers:
        t.join(timeout=5)
    proc.stdout.close()
    proc.stderr.close()


def run_scicov(args, feedback, outputs=(), expected_stages=8):
    """Runs `scicov --progress ARGS`. Returns (completed, stdout text). completed is False when the
    user cancelled: the process is killed and its temporary files (OUTPUT.tmp-PID.*) removed, so a
    cancelled run leaves nothing. A non-zero exit raises QgsProcessingException with scicov's
    one-line message ("scicov: …")."""
    command = [find_executable(), "--progress", *args]
    feedback.pushInfo("scicov command 命令:")
    feedback.pushCommandInfo(" ".join(shlex.quote(c) for c in command))
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window on Windows
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, creationflags=flags)
    except OSError as e:
        raise QgsProcessingException(f"cannot start scicov ({command[0]}): {e}")

    chunks = queue.Queue()

    def pump(stream, tag):
        while True:
            data = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
            chunks.put((tag, data))
            if not data:
                return

    readers = [threading.Thread(target=pump, args=(proc.stdout, "out"), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, "err"), daemon=True)]
    for t in readers:
        t.start()
    decoders = {"out": codecs.getincrementaldecoder("utf-8")("replace"),
                "err": codecs.getincrementaldecoder("utf-8")("replace")}
    progress = StageProgress(expected_stages)
    stdout = []
    open_streams = 2
    cancelled = False
    while open_streams:
        if feedback.isCanceled():
            cancelled = True
            break
        try:
            tag, data = chunks.get(timeout=0.1)
        except queue.Empty:
            continue
        if not data:
            open_streams -= 1
            continue
        text = decoders[tag].decode(data)
        if tag == "out":
            stdout.append(text)
            continue
        percent, messages = progress.feed(text)
        if progress.stage:
            feedback.setProgressText(progress.stage)
        feedback.setProgress(percent)
        for line in messages:
            feedback.pushInfo(line)

    if cancelled:
        proc.kill()
        proc.wait()
        _close(proc, readers)
        for out in outputs:
            for path in leftovers(out, proc.pid):
                try:
                    os.remove(path)
                except OSError:
                    pass
        feedback.pushInfo("已取消 cancelled: scicov stopped, nothing written")
        return False, "".join(stdout)

    rc = proc.wait()
    _close(proc, readers)
    text = "".join(stdout)
    for line in text.splitlines():
        if line.strip():
            feedback.pushConsoleInfo(line)
    if rc != 0:
        lines = [m for m in progress.messages if m.startswith("scicov:")]
        message = lines[-1] if lines else (progress.messages[-1] if progress.messages
                                           else f"scicov exited with status {rc}")
        raise QgsProcessingException(message)
    feedback.setProgress(100)
    return True, text
