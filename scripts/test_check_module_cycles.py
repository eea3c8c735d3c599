#!/usr/bin/env python3
"""Tests of check_module_cycles.py on small crates written to a temp dir."""

import tempfile
import unittest
from pathlib import Path

from check_module_cycles import check_root


def crate(files: dict[str, str]) -> Path:
    root = Path(tempfile.mkdtemp())
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "lib.rs"


class ModuleCycles(unittest.TestCase):
    def test_siblings_that_use_each_other_are_a_cycle(self):
        lib = crate({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::Thing;\n",
            "b/mod.rs": "mod inner;\n",
            "b/inner.rs": "fn f() { crate::a::g(); }\n",
        })
        problems = check_root(lib)
        self.assertEqual(len(problems), 1)
        self.assertIn("a, b", problems[0])

    def test_grouped_and_relative_paths_count(self):
        lib = crate({
            "lib.rs": "mod x;\n",
            "x/mod.rs": "mod p;\nmod q;\n",
            "x/p.rs": "use super::{q::{One, Two}};\n",
            "x/q.rs": "use super::super::x::p as other;\n",
        })
        self.assertEqual(len(check_root(lib)), 1)

    def test_ancestors_children_tests_comments_and_strings_are_not_edges(self):
        lib = crate({
            "lib.rs": "mod a;\nmod b;\npub struct Root;\n",
            "a/mod.rs": "mod child;\nuse self::child::C;\nuse crate::Root;\nuse crate::b::B;\n",
            "a/child.rs": "use super::super::Root;\n",
            "b.rs": (
                "// crate::a::x in a comment\n"
                "const S: &str = \"crate::a::y\";\n"
                "#[cfg(test)]\nmod tests { use crate::a::A; }\n"
            ),
        })
        self.assertEqual(check_root(lib), [])


if __name__ == "__main__":
    unittest.main()
