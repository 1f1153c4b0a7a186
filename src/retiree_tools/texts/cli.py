"""Texts shared by every command's terminal output."""

TEXTS: dict[str, tuple[str, str]] = {
    "cli.written": ("已写出：{path}", "written: {path}"),
    "cli.progress_files": ("读取文件", "Reading files"),
    "cli.progress_rows": ("行", "rows"),
    # ---- files of a directory not read (io/paths.py) ----
    "paths.skipped": ("跳过 {n} 个文件：{files}", "skipped {n} file(s): {files}"),
    "paths.skipped_file": ("{name}（{why}）", "{name} ({why})"),
    "paths.list_separator": ("、", ", "),
    "paths.skipped_more": ("等，另有 {n} 个未列出", ", and {n} more"),
    "paths.skip.text-file": ("不是工作簿，要读请直接写出文件名", "not a workbook; name it on the command line to read it"),
    "paths.skip.own-output": ("本工具生成的文件", "written by this tool"),
}
