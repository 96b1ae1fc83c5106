"""What the holder downloads besides the JSON: the baked badge PNG and the bilingual PDF
certificate (ReportLab, with a Chinese TrueType font from Debian; see
docs/decisions/0040-credential-pdf-with-reportlab.md)."""

import functools
import io
import json
import logging
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from . import conf, vc
from .models import IssuedCredential

logger = logging.getLogger(__name__)

BRAND = (11, 110, 79)


@functools.cache
def _badge_image(size: int = 512) -> bytes:
    """A plain round badge emblem (used when a template has no image of its own)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (8, 8, size - 8, size - 8), fill=(*BRAND, 255), outline=(224, 122, 31, 255), width=18
    )
    draw.ellipse(
        (size * 0.22, size * 0.22, size * 0.78, size * 0.78), outline=(255, 255, 255, 255), width=10
    )
    draw.polygon(
        [(size * 0.36, size * 0.50), (size * 0.46, size * 0.61), (size * 0.66, size * 0.39)],
        outline=(255, 255, 255, 255),
        width=14,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def baked_badge(credential: IssuedCredential) -> bytes:
    """The badge PNG with the signed credential in an iTXt chunk `openbadgecredential`
    (Open Badges 3.0, section on baking)."""
    return vc.bake_png(_badge_image(), json.loads(credential.document))


@functools.cache
def _font_name() -> str:
    """Register the first usable Chinese TrueType font; fall back to a built-in CID font
    (renders in PDF viewers that have the Adobe-GB1 fonts, but is not embedded)."""
    for path in conf.pdf_font_paths():
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("CertCJK", path, subfontIndex=0))
            except Exception as exc:
                logger.warning(
                    "credentials: PDF font unusable", extra={"path": path, "error": str(exc)}
                )
                continue
            return "CertCJK"
    logger.warning("credentials: no Chinese TrueType font found; using STSong-Light (not embedded)")
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _centered(pdf: canvas.Canvas, text: str, y: float, size: float, font: str, width: float):
    # Shrink long lines until they fit between the margins.
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width - 40 * mm:
        size -= 1
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, text)


def certificate_pdf(credential: IssuedCredential, verify_url: str) -> bytes:
    """A printable A4 certificate in Chinese and English with a QR code to `verify_url`."""
    font = _font_name()
    template = credential.template
    issuer = credential.issuer_key.issuer
    holder = credential.holder
    holder_name = (holder.display_name or holder.email) if holder else "—"
    width, height = landscape(A4)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height), invariant=1)
    pdf.setTitle(f"{template.name_zh} / {template.name_en}")
    pdf.setAuthor(f"{issuer.name_zh} / {issuer.name_en}")
    pdf.setStrokeColorRGB(*(c / 255 for c in BRAND))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setFillColorRGB(0.11, 0.14, 0.19)
    _centered(pdf, "技能证书", height - 42 * mm, 30, font, width)
    _centered(pdf, "Certificate of Achievement", height - 54 * mm, 18, font, width)
    _centered(pdf, "兹证明 / This certifies that", height - 72 * mm, 13, font, width)
    _centered(pdf, holder_name, height - 88 * mm, 26, font, width)
    _centered(pdf, "完成了 / has completed", height - 102 * mm, 13, font, width)
    _centered(pdf, template.name_zh, height - 118 * mm, 22, font, width)
    if template.name_en and template.name_en != template.name_zh:
        _centered(pdf, template.name_en, height - 130 * mm, 16, font, width)
    details = []
    if template.hours is not None:
        details.append(f"{template.hours.normalize():f} 学时 / hours")
    if template.level:
        details.append(f"等级 Level: {template.level}")
    if details:
        _centered(pdf, " · ".join(details), height - 141 * mm, 11, font, width)
    pdf.setFont(font, 11)
    left = 24 * mm
    pdf.drawString(left, 40 * mm, f"颁发机构 Issued by: {issuer.name_zh} / {issuer.name_en}")
    pdf.drawString(left, 33 * mm, f"颁发日期 Issued on: {credential.issued_at:%Y-%m-%d}")
    if credential.valid_until:
        pdf.drawString(left, 26 * mm, f"有效期至 Valid until: {credential.valid_until:%Y-%m-%d}")
    pdf.setFont(font, 8)
    pdf.drawString(left, 19 * mm, f"ID: {credential.public_id}")
    qr = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    side = 38 * mm
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 24 * mm - side, 24 * mm)
    pdf.setFont(font, 8)
    pdf.drawRightString(width - 24 * mm, 20 * mm, "扫码核验 / Scan to verify")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
