# The Word, Excel and PowerPoint 97-2003 files with an embedded object in
# tests/unit/milter/data (README there): an ODT letter and an ODP slide
# with a Calc sheet embedded and an ODS sheet with a Writer letter
# embedded, whose own text holds no PHI and whose object's does;
# LibreOffice 7.4 (Debian 12) writes the objects as Excel and Word 97-2003
# objects (Word's ObjectPool, Excel's MBD... storages, PowerPoint's
# compressed ExOleObjStg records):
#   python3 object_fixtures.py
#   soffice --headless --convert-to doc embedded.odt
#   soffice --headless --convert-to 'xls:MS Excel 97' embedded.ods
#   soffice --headless --convert-to 'ppt:MS PowerPoint 97' embedded.odp
#   gzip -n -9 embedded.ppt
import zipfile

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
ODF = "application/vnd.oasis.opendocument."
OBJECT = '<draw:object xlink:href="./Object 1" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'

rows = [("Name", "DOB", "MRN", "Diagnosis"), ("Maria Gonzalez", "03/14/1962", "4471823", "E11.9 type 2 diabetes mellitus"),
        ("Diego Lopez", "10/08/2001", "5582934", "I50.9 heart failure")]
def cell(v): return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % v
sheet = ''.join('<table:table-row>%s</table:table-row>' % ''.join(cell(v) for v in r) for r in rows)
letter = ('<text:p>Referral letter</text:p><text:p>Patient: Maria Gonzalez, date of birth 03/14/1962, MRN 4471823.</text:p>'
          '<text:p>Diagnosis: E11.9 type 2 diabetes mellitus; prescribed metformin 500 mg.</text:p>')

def content(kind, body):
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s office:version="1.2"><office:body>'
            '<office:%s>%s</office:%s></office:body></office:document-content>' % (NS, kind, body, kind))

# An ODF document of `kind` (text, spreadsheet, presentation) whose content
# is `body`, with "Object 1" of `object_kind` whose content is `object_body`.
def odf(path, kind, body, object_kind, object_body):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODF + kind, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s%s"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="Object 1/" manifest:media-type="%s%s"/>'
            '<manifest:file-entry manifest:full-path="Object 1/content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>' % (ODF, kind, ODF, object_kind))
        z.writestr("content.xml", content(kind, body))
        z.writestr("Object 1/content.xml", content(object_kind, object_body))

odf("embedded.odt", "text",
    '<text:p>Clinic staff meeting: the list is embedded below.</text:p><text:p>'
    '<draw:frame draw:name="Object1" text:anchor-type="as-char" svg:width="15cm" svg:height="3cm">' + OBJECT +
    '</draw:frame></text:p>', "spreadsheet", '<table:table table:name="Sheet1">%s</table:table>' % sheet)
odf("embedded.ods", "spreadsheet",
    '<table:table table:name="Sheet1"><table:shapes><draw:frame draw:name="Object1" svg:width="15cm" svg:height="4cm" '
    'svg:x="1cm" svg:y="2cm">' + OBJECT + '</draw:frame></table:shapes><table:table-row>' +
    cell("Clinic staff meeting: the letter is embedded below.") + '</table:table-row></table:table>', "text", letter)
odf("embedded.odp", "presentation",
    '<draw:page draw:name="page1"><draw:frame svg:width="20cm" svg:height="2cm" svg:x="2cm" svg:y="1cm"><draw:text-box>'
    '<text:p>Clinic staff meeting: the list is embedded below.</text:p></draw:text-box></draw:frame>'
    '<draw:frame svg:width="20cm" svg:height="6cm" svg:x="2cm" svg:y="5cm">' + OBJECT + '</draw:frame></draw:page>',
    "spreadsheet", '<table:table table:name="Sheet1">%s</table:table>' % sheet)
