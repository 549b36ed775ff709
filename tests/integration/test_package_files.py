"""The Debian package's files agree with the tools (cmake/package.cmake, scripts/package builds it)."""

import os
import re
import unittest

import mqtk_testlib as t

ROOT = t.REPO_ROOT
TOOLS = sorted(f"mqtk-{d}" for d in os.listdir(ROOT / "apps") if (ROOT / "apps" / d / "main.cpp").exists())


class PackageFiles(unittest.TestCase):
    def test_the_multicall_table_lists_every_tool(self):
        listed = re.findall(r"^MQTK_TOOL\(([a-z-]+), ([a-z_]+)\)$", (ROOT / "apps/multicall/tools.inc").read_text(),
                            re.MULTILINE)
        self.assertEqual(sorted(name for name, _ in listed), TOOLS)
        for name, space in listed:
            self.assertEqual(space, name.removeprefix("mqtk-").replace("-", "_"), name)

    def test_every_tool_has_what_the_package_installs(self):
        for tool in TOOLS:
            with self.subTest(tool=tool):
                for path in (f"man/{tool}.1", f"completions/bash/{tool}", f"completions/zsh/_{tool}",
                             f"completions/fish/{tool}.fish"):
                    self.assertTrue((ROOT / path).is_file(), path)

    def test_copyright_is_machine_readable_and_covers_everything(self):
        text = (ROOT / "packaging/debian/copyright").read_text()
        self.assertTrue(text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"))
        self.assertRegex(text, r"\nFiles: \*\nCopyright: .+\nLicense: Apache-2.0\n")
        for name in re.findall(r"^License: (\S+)$", text, re.MULTILINE):
            self.assertRegex(text, rf"\nLicense: {re.escape(name)}\n [^\n]+", f"no text for {name}")


if __name__ == "__main__":
    unittest.main()
