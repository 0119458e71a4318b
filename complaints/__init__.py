"""Public supervision (社会监督): the school's public page opened from its plaque's QR code, the
county's public page, and the handling of complaints, reports and suggestions.

An app of its own because it is the only part of the site open without a login, and because a
complaint can become a rectification item: it sits above ``rectifications`` (dudao <- accounts <-
schools <- inspectors <- visits <- rectifications <- complaints), and the reports read it.
"""
