"""Texts shared by every command's terminal output."""

TEXTS: dict[str, tuple[str, str]] = {
    "cli.written": ("已写出：{path}", "written: {path}"),
}
