# An RTF letter whose table of patients is pasted as a picture (an EMF that
# draws the cells' text), as Word's "Paste Special > Picture (Enhanced
# Metafile)" stores a range of Excel cells; LibreOffice 7.4 converts it:
#   python3 metafile_fixture.py
#   soffice --headless --convert-to doc metafile.rtf
import struct

def le(v, n): return v.to_bytes(n, "little", signed=v < 0)

rows = [("Name", "DOB", "MRN", "Diagnosis"), ("Maria Gonzalez", "03/14/1962", "4471823", "E11.9 type 2 diabetes mellitus"),
        ("Diego Lopez", "10/08/2001", "5582934", "I50.9 heart failure")]
records = b""
for r, row in enumerate(rows):
    y = 30 + 40 * r
    for c, text in enumerate(row):
        u = text.encode("utf-16le")
        u += b"\0" * (-len(u) % 4)
        body = (le(0, 16) + le(1, 4) + le(0, 8) + le(20 + 200 * c, 4) + le(y, 4) + le(len(text), 4) + le(76, 4) +
                le(0, 4) + le(0, 16) + le(0, 4))
        records += le(0x54, 4) + le(8 + len(body) + len(u), 4) + body + u
bounds = le(0, 4) + le(0, 4) + le(800, 4) + le(140, 4)
frame = le(0, 4) + le(0, 4) + le(21000, 4) + le(3700, 4)
eof = le(14, 4) + le(20, 4) + le(0, 4) + le(16, 4) + le(20, 4)
size = 88 + len(records) + len(eof)
header = (le(1, 4) + le(88, 4) + bounds + frame + le(0x464D4520, 4) + le(0x10000, 4) + le(size, 4) +
          le(2 + len(rows) * 4, 4) + le(1, 2) + le(0, 2) + le(0, 4) + le(0, 4) + le(0, 4) + le(1024, 4) + le(768, 4) +
          le(270, 4) + le(203, 4))
assert len(header) == 88
emf = header + records + eof
hexd = emf.hex()
with open("metafile.rtf", "w", newline="") as f:
    f.write("{\\rtf1\\ansi\\ansicpg1252 Clinic staff meeting: the list is pasted below.\\par\r\n"
            "{\\pict\\emfblip\\picw21000\\pich3700\\picwgoal11906\\pichgoal2098\r\n" +
            "\r\n".join(hexd[i:i + 128] for i in range(0, len(hexd), 128)) + "}\\par}\r\n")
