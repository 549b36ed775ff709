"""Every flag a tool's --help lists is in its man page and its bash, zsh and fish completions."""

import os
import re
import subprocess
import tempfile
import unittest

import mqtk_testlib as t

ROOT = t.REPO_ROOT
TOOLS = sorted(d for d in os.listdir(ROOT / "apps") if (ROOT / "apps" / d / "main.cpp").exists())


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class FlagsAreDocumented(unittest.TestCase):
    def test_every_tool_has_docs_for_every_flag(self):
        self.assertIn("pub", TOOLS)
        for tool in TOOLS:
            name = f"mqtk-{tool}"
            with self.subTest(tool=name):
                r = t.run_tool([name, "--help"])
                self.assertEqual(r.status, 0, r.stderr)
                flags = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", r.stdout.decode())))
                self.assertIn("--help", flags)
                man = read(ROOT / "man" / f"{name}.1").replace("\\-", "-")
                bash = read(ROOT / "completions" / "bash" / name)
                zsh = read(ROOT / "completions" / "zsh" / f"_{name}")
                fish = read(ROOT / "completions" / "fish" / f"{name}.fish")
                for flag in flags:
                    self.assertRegex(man, re.escape(flag) + r"(?![\w-])", f"{flag} missing in man/{name}.1")
                    self.assertRegex(bash, re.escape(flag) + r"(?![\w-])", f"{flag} missing in bash completion")
                    self.assertRegex(zsh, re.escape(flag) + r"(?![\w-])", f"{flag} missing in zsh completion")
                    self.assertRegex(fish, r"-l " + re.escape(flag[2:]) + r"(?![\w-])",
                                     f"{flag} missing in fish completion")

    def test_version(self):
        for tool in TOOLS:
            with self.subTest(tool=tool):
                r = t.run_tool([f"mqtk-{tool}", "--version"])
                self.assertEqual(r.status, 0, r.stderr)
                lines = r.stdout.decode().splitlines()
                self.assertEqual(len(lines), 4, lines)
                self.assertRegex(lines[0], r"^mqtk-" + tool + r" \d+\.\d+\.\d+$")
                # The commit of this checkout (the build is made from it), maybe marked modified.
                head = subprocess.run(["git", "-C", str(t.REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
                                      capture_output=True, text=True)
                if head.returncode == 0:
                    self.assertRegex(lines[1], r"^commit " + head.stdout.strip() + r"(-modified)?$")
                else:
                    self.assertEqual(lines[1], "commit unknown")
                # The OpenSSL the tools run with, as openssl(1) names it: "OpenSSL 3.0.19 27 Jan 2026".
                library = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout
                self.assertTrue(library.startswith(lines[2].split(" (built with")[0]), (lines[2], library))
                self.assertRegex(lines[3], r"^build (RelWithDebInfo|Release|Debug|MinSizeRel)\b")


class Install(unittest.TestCase):
    def test_cmake_install_puts_tools_man_pages_and_completions_in_place(self):
        with tempfile.TemporaryDirectory() as prefix:
            r = subprocess.run(["cmake", "--install", str(t.build_dir()), "--prefix", prefix],
                               capture_output=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            for tool in TOOLS:
                name = f"mqtk-{tool}"
                for path in (f"bin/{name}", f"share/man/man1/{name}.1",
                             f"share/bash-completion/completions/{name}",
                             f"share/zsh/site-functions/_{name}",
                             f"share/fish/vendor_completions.d/{name}.fish"):
                    self.assertTrue(os.path.isfile(os.path.join(prefix, path)), path)


if __name__ == "__main__":
    unittest.main()
