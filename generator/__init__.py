"""Draft the annual 法治政府建设情况报告 from structured data."""
