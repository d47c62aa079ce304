"""A zip made in memory from (name, text or bytes) members, deflated."""
import io
import zipfile


def zip_of(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()
