"""Reports of a repair: JSON for machines, text for people."""

from apr.report.json_report import report_dict, write_json
from apr.report.text import summary

__all__ = ["report_dict", "summary", "write_json"]
