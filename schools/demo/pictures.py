"""Made-up photos for the demo, cleaned and stamped like an uploaded one."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from dudao.photos import ProcessedPhoto, process_photo


def made_up_photo(rng, *, stamp_text: str) -> ProcessedPhoto:
    """A coloured scene with a few white blocks; ``rng`` keeps a second demo run identical."""
    image = Image.new("RGB", (480, 360), (rng.randint(90, 200), rng.randint(110, 200), 150))
    draw = ImageDraw.Draw(image)
    for _shape in range(6):
        x, y = rng.randint(0, 400), rng.randint(0, 280)
        draw.rectangle((x, y, x + rng.randint(30, 80), y + rng.randint(30, 80)), fill="white")
    buffer = BytesIO()
    image.save(buffer, "JPEG")
    upload = SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")
    return process_photo(upload, stamp_text=stamp_text, max_bytes=5 * 1024 * 1024)
