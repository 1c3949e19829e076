# python3-pydicom 2.3.1 (Debian 12): the DICOM fixtures of tests/unit/milter/data (README there).
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian

# A file of SOP class `sop` in transfer syntax `ts`, its SOP elements set.
def dataset(path, ts, sop, instance):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop
    meta.MediaStorageSOPInstanceUID = instance
    meta.TransferSyntaxUID = ts
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = ts != ExplicitVRBigEndian
    ds.is_implicit_VR = ts == ImplicitVRLittleEndian
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    return ds

def make(path, ts, name, charset=None, undefined=False):
    ds = dataset(path, ts, '1.2.840.10008.5.1.4.1.1.7', '1.2.826.0.1.3680043.8.498.1001')
    if charset:
        ds.SpecificCharacterSet = charset
    ds.StudyDate = '20261201'
    ds.Modality = 'US'
    ds.InstitutionName = 'Springfield General Hospital'
    ds.ReferringPhysicianName = 'PATEL^ANIL'
    ds.StudyDescription = 'US ABDOMEN COMPLETE'
    ds.AdmittingDiagnosesDescription = 'Type 2 diabetes mellitus'
    ds.PatientName = name
    ds.PatientID = '00482913'
    ds.PatientBirthDate = '19620314'
    ds.PatientSex = 'F'
    ds.OtherPatientIDs = 'MRN7781\\W123456789'
    item = Dataset()
    item.RequestedProcedureDescription = 'Liver ultrasound'
    item.ScheduledProcedureStepID = 'SPS1'
    ds.RequestAttributesSequence = Sequence([item])
    if undefined:
        ds.RequestAttributesSequence.is_undefined_length = True
        item.is_undefined_length_sequence_item = True
    ds.Rows = 4; ds.Columns = 4; ds.BitsAllocated = 8; ds.BitsStored = 8; ds.HighBit = 7
    ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'; ds.PixelRepresentation = 0
    ds.PixelData = bytes(range(16))
    ds.save_as(path, write_like_original=False)

make('us-explicit.dcm', ExplicitVRLittleEndian, 'DOE^JANE^Q')
make('us-implicit-utf8.dcm', ImplicitVRLittleEndian, 'MÜLLER^JANE^Q', 'ISO_IR 192', undefined=True)
make('us-big-latin1.dcm', ExplicitVRBigEndian, 'MÜLLER^JANE^Q', 'ISO_IR 100')

# An Encapsulated CDA report (a radiology report stored as DICOM): only the
# patient's name in the data set; the findings only in the CDA document.
def make_cda(path):
    ds = dataset(path, ExplicitVRLittleEndian, '1.2.840.10008.5.1.4.1.1.104.2', '1.2.826.0.1.3680043.8.498.1002')
    ds.Modality = 'DOC'
    ds.InstitutionName = 'Springfield General Hospital'
    ds.PatientName = 'LOPEZ^DIEGO'
    ds.DocumentTitle = 'Report'
    ds.MIMETypeOfEncapsulatedDocument = 'text/XML'
    cda = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Radiology report</title><component><structuredBody>'
           b'<component><section><text>Impression: acute ischemic stroke, left MCA territory.</text><entry>'
           b'<observation><value code="I63.9" codeSystem="2.16.840.1.113883.6.90" displayName="Cerebral infarction, unspecified"/>'
           b'</observation></entry></section></component></structuredBody></component></ClinicalDocument>\n')
    ds.EncapsulatedDocument = cda + (b' ' if len(cda) % 2 else b'')
    ds.save_as(path, write_like_original=False)

make_cda('cda-report.dcm')
