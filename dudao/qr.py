"""QR codes as SVG: drawn by the ``qrcode`` library as one path, sharp on screen and on paper."""

import base64

import qrcode
import qrcode.image.svg


def qr_svg(text: str, *, border: int = 4) -> bytes:
    """An SVG document of the QR code of ``text`` (error correction M: survives a glare)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string()


def qr_data_uri(text: str) -> str:
    """The QR code of ``text`` as a ``data:`` URI for an ``<img>`` (allowed by the CSP's
    img-src), so a page can show it without inlining markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode("ascii")
