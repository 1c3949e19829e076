# The Office 97-2003 files with a pasted picture in tests/unit/milter/data
# (README there): from a PNG of an invented referral, the sources LibreOffice
# 7.4 (Debian 12) converts (an RTF letter, an ODF presentation and sheet),
# whose typed text holds no PHI.
#   python3 picture_fixtures.py referral.png
#   soffice --headless --convert-to doc pictured.rtf
#   soffice --headless --convert-to 'ppt:MS PowerPoint 97' pictured.odp
#   soffice --headless --convert-to 'xls:MS Excel 97' pictured.ods
import sys
import zipfile

png = open(sys.argv[1], "rb").read()
hexdata = png.hex()
with open("pictured.rtf", "w", newline="") as f:
    f.write("{\\rtf1\\ansi\\ansicpg1252 Dear colleague, the chart is pasted below as a screenshot.\\par\r\n"
            "{\\*\\shppict{\\pict\\picwgoal9000\\pichgoal1800\\pngblip\r\n" +
            "\r\n".join(hexdata[i:i + 128] for i in range(0, len(hexdata), 128)) + "}}\\par}\r\n")

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
PICTURE = ('<draw:frame svg:width="16cm" svg:height="3.2cm" svg:x="1cm" svg:y="3cm"><draw:image '
           'xlink:href="Pictures/referral.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>')
LINE = "Clinic staff meeting: the referral is pasted below as a screenshot."

def odf(path, mime, body):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '<manifest:file-entry manifest:full-path="Pictures/referral.png" manifest:media-type="image/png"/>'
                   '</manifest:manifest>' % mime)
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content %s '
                   'office:version="1.2"><office:body>%s</office:body></office:document-content>' % (NS, body))
        z.writestr("Pictures/referral.png", png)

odf("pictured.odp", "application/vnd.oasis.opendocument.presentation",
    '<office:presentation><draw:page draw:name="p1"><draw:frame svg:width="20cm" svg:height="2cm" svg:x="1cm" '
    'svg:y="0.5cm"><draw:text-box><text:p>%s</text:p></draw:text-box></draw:frame>%s</draw:page>'
    '</office:presentation>' % (LINE, PICTURE))
odf("pictured.ods", "application/vnd.oasis.opendocument.spreadsheet",
    '<office:spreadsheet><table:table table:name="Sheet1"><table:shapes>%s</table:shapes><table:table-row>'
    '<table:table-cell><text:p>%s</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>'
    % (PICTURE, LINE))
