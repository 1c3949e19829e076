## milter/mime: streaming MIME walker and decoders (pure).
libphi_a_SOURCES += \
	milter/mime/transfer.h milter/mime/transfer.cc \
	milter/mime/charset.h milter/mime/charset.cc \
	milter/mime/html.h milter/mime/html.cc milter/mime/pdf_html.h milter/mime/pdf_html.cc \
	milter/mime/pdf_names.h milter/mime/pdf_names.cc milter/mime/pdf_comments.h milter/mime/pdf_comments.cc milter/mime/pdf_xfa.h milter/mime/pdf_xfa.cc \
	milter/mime/pdf_pictures.h milter/mime/pdf_pictures.cc milter/mime/ocr_tsv.h milter/mime/ocr_tsv.cc \
	milter/mime/rtf.h milter/mime/rtf.cc \
	milter/mime/header.h milter/mime/header.cc \
	milter/mime/boundary.h milter/mime/boundary.cc \
	milter/mime/zip.h milter/mime/zip.cc \
	milter/mime/decompress.h milter/mime/decompress.cc milter/mime/tar.h milter/mime/tar.cc \
	milter/mime/smime.h milter/mime/smime.cc milter/mime/uuencode.h milter/mime/uuencode.cc \
	milter/mime/unfold.h milter/mime/unfold.cc milter/mime/x12.h milter/mime/x12.cc \
	milter/mime/embedded.h milter/mime/embedded.cc \
	milter/mime/hl7.h milter/mime/hl7.cc milter/mime/labelled.h milter/mime/labelled.cc milter/mime/dicom.h milter/mime/dicom.cc \
	milter/mime/json_string.h milter/mime/json_text.h milter/mime/json_text.cc \
	milter/mime/tnef.h milter/mime/tnef.cc \
	milter/mime/ole.h milter/mime/ole.cc milter/mime/ppt.h milter/mime/ppt.cc milter/mime/msg.h milter/mime/msg.cc \
	milter/mime/office_pictures.h milter/mime/office_pictures.cc \
	milter/mime/ole_writer.h milter/mime/ole_writer.cc milter/mime/ole_native.h milter/mime/ole_native.cc \
	milter/mime/metafile.h milter/mime/metafile.cc \
	milter/mime/xml_text.h milter/mime/xml_text.cc \
	milter/mime/entity.h milter/mime/part.cc milter/mime/package.cc milter/mime/tnef_reader.cc \
	milter/mime/container_reader.cc milter/mime/archive_reader.cc milter/mime/uu_reader.cc milter/mime/embedded_reader.cc \
	milter/mime/walker.h milter/mime/walker.cc

UNIT_TESTS += tests/unit/mime/mime_test
tests_unit_mime_mime_test_SOURCES = \
	tests/unit/mime/transfer_test.cc tests/unit/mime/charset_test.cc \
	tests/unit/mime/html_test.cc tests/unit/mime/pdf_html_test.cc tests/unit/mime/pdf_names_test.cc tests/unit/mime/pdf_comments_test.cc tests/unit/mime/pdf_xfa_test.cc tests/unit/mime/pdf_pictures_test.cc tests/unit/mime/ocr_tsv_test.cc tests/unit/mime/rtf_test.cc \
	tests/unit/mime/header_test.cc \
	tests/unit/mime/boundary_test.cc tests/unit/mime/walker_test.cc \
	tests/unit/mime/zip_test.cc tests/unit/mime/xml_text_test.cc tests/unit/mime/package_test.cc \
	tests/unit/mime/document_test.cc tests/unit/mime/tnef_test.cc \
	tests/unit/mime/ole_test.cc tests/unit/mime/ole_builder.h tests/unit/mime/ppt_test.cc tests/unit/mime/msg_test.cc \
	tests/unit/mime/office_pictures_test.cc tests/unit/mime/ole_writer_test.cc tests/unit/mime/ole_native_test.cc \
	tests/unit/mime/metafile_test.cc tests/unit/mime/metafile_builder.h \
	tests/unit/mime/tnef_builder.h tests/unit/mime/tar_builder.h tests/unit/mime/archive_test.cc tests/unit/mime/text_sniff_test.cc tests/unit/mime/smime_test.cc tests/unit/mime/uuencode_test.cc tests/unit/mime/unfold_test.cc tests/unit/mime/x12_test.cc tests/unit/mime/hl7_test.cc tests/unit/mime/labelled_test.cc tests/unit/mime/dicom_test.cc tests/unit/mime/embedded_test.cc tests/unit/mime/json_text_test.cc \
	tests/unit/mime/zip_builder.h \
	tests/unit/mime/recording_sink.h tests/unit/mime/fake_documents.h tests/unit/mime/picture_checks.h \
	tests/unit/mime/dicom_builder.h
tests_unit_mime_mime_test_LDADD = $(GTEST_LDADD)

FUZZ_REPLAY += tests/fuzz/mime_fuzz tests/fuzz/html_fuzz tests/fuzz/zip_fuzz tests/fuzz/rtf_fuzz tests/fuzz/tnef_fuzz \
	tests/fuzz/ole_fuzz tests/fuzz/archive_fuzz tests/fuzz/smime_fuzz tests/fuzz/uu_fuzz tests/fuzz/xml_fuzz tests/fuzz/json_fuzz \
	tests/fuzz/hl7_fuzz tests/fuzz/dicom_fuzz tests/fuzz/pdf_html_fuzz tests/fuzz/pdf_names_fuzz tests/fuzz/pdf_comments_fuzz \
	tests/fuzz/pdf_pictures_fuzz tests/fuzz/office_pictures_fuzz tests/fuzz/ocr_tsv_fuzz
tests_fuzz_mime_fuzz_SOURCES = tests/fuzz/mime_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_mime_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_html_fuzz_SOURCES = tests/fuzz/html_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_html_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_pdf_html_fuzz_SOURCES = tests/fuzz/pdf_html_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_pdf_html_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_pdf_names_fuzz_SOURCES = tests/fuzz/pdf_names_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_pdf_names_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_pdf_pictures_fuzz_SOURCES = tests/fuzz/pdf_pictures_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_pdf_pictures_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_ocr_tsv_fuzz_SOURCES = tests/fuzz/ocr_tsv_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_ocr_tsv_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_pdf_comments_fuzz_SOURCES = tests/fuzz/pdf_comments_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_pdf_comments_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_zip_fuzz_SOURCES = tests/fuzz/zip_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_zip_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_rtf_fuzz_SOURCES = tests/fuzz/rtf_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_rtf_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_tnef_fuzz_SOURCES = tests/fuzz/tnef_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_tnef_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_ole_fuzz_SOURCES = tests/fuzz/ole_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_ole_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_office_pictures_fuzz_SOURCES = tests/fuzz/office_pictures_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_office_pictures_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_archive_fuzz_SOURCES = tests/fuzz/archive_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_archive_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_smime_fuzz_SOURCES = tests/fuzz/smime_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_smime_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_uu_fuzz_SOURCES = tests/fuzz/uu_fuzz.cc tests/fuzz/walker_log_sink.h $(FUZZ_DRIVER)
tests_fuzz_uu_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_xml_fuzz_SOURCES = tests/fuzz/xml_fuzz.cc tests/fuzz/walker_log_sink.h tests/fuzz/split_feed.h $(FUZZ_DRIVER)
tests_fuzz_xml_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_json_fuzz_SOURCES = tests/fuzz/json_fuzz.cc tests/fuzz/walker_log_sink.h tests/fuzz/split_feed.h $(FUZZ_DRIVER)
tests_fuzz_json_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_hl7_fuzz_SOURCES = tests/fuzz/hl7_fuzz.cc tests/fuzz/counting_document.h tests/fuzz/walker_log_sink.h tests/fuzz/split_feed.h $(FUZZ_DRIVER)
tests_fuzz_hl7_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
tests_fuzz_dicom_fuzz_SOURCES = tests/fuzz/dicom_fuzz.cc tests/fuzz/counting_document.h tests/fuzz/walker_log_sink.h tests/fuzz/split_feed.h $(FUZZ_DRIVER)
tests_fuzz_dicom_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
