"""Every man page renders at 80 columns without troff warnings and without lines wider than 80."""

import os
import re
import shutil
import subprocess
import unittest

import mqtk_testlib as t

ROOT = t.REPO_ROOT
MAN_PAGES = sorted((ROOT / "man").glob("*.1"))
WIDTH = 80

# What a terminal would not show: overstrike (bold "X\bX", underline "_\bX") and SGR escapes.
OVERSTRIKE = re.compile(r".\x08")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def render(page):
    env = dict(os.environ, MANWIDTH=str(WIDTH), LC_ALL="C.UTF-8")
    for name in ("MAN_KEEP_FORMATTING", "MANROFFOPT", "MANPAGER", "PAGER", "MANOPT"):
        env.pop(name, None)
    return subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, env=env,
                          timeout=60)


def plain(text):
    text = SGR.sub("", text)
    while True:
        stripped = OVERSTRIKE.sub("", text)
        if stripped == text:
            return text
        text = stripped


class ManPagesRender(unittest.TestCase):
    def test_at_80_columns_without_warnings_or_wide_lines(self):
        # scripts/test installs man-db and groff-base: a missing one is a failure, not a skip
        self.assertTrue(shutil.which("man") and shutil.which("groff"), "man and groff are needed")
        self.assertTrue(MAN_PAGES, "no man/*.1")
        for page in MAN_PAGES:
            name = f"man/{page.name}"
            with self.subTest(page=name):
                r = render(page)
                self.assertEqual(r.returncode, 0, f"{name}: man failed: {r.stderr.decode(errors='replace')}")
                self.assertEqual(r.stderr.decode(errors="replace"), "", f"{name}: troff warnings")
                lines = plain(r.stdout.decode("utf-8", errors="replace")).split("\n")
                self.assertGreater(len(lines), 20, f"{name}: rendered almost nothing")
                wide = [f"{name}: rendered line {n}, {len(line)} columns: {line.strip()}"
                        for n, line in enumerate((line.expandtabs().rstrip() for line in lines), 1)
                        if len(line) > WIDTH]
                self.assertEqual(wide, [], "\n" + "\n".join(wide))


if __name__ == "__main__":
    unittest.main()
