"""
The corpus certificates certtool cannot make: a negative, zero or
over-long serial, duplicate extensions, a subjectAltName, an authority
information access or name constraints that break their ASN.1, inner and
outer signature algorithms that disagree, key identifiers left out or
wrong, an empty subject, damaged DER.

	python3 forge.py DIR

DIR holds what tests/corpus/make-corpus made with certtool before
(NAME.pem, NAME.key): the issuers.  Each certificate here is built sound
with python3-cryptography (version 38, Debian 12's), then its
TBSCertificate is taken apart, changed byte by byte where the builder
refuses to write the fault, put back together and signed with the
issuer's private key, so that the fault is the only thing wrong with it.
Writes NAME.pem, and NAME.key for the certificates that need their own
key (a server presents them); keys are made here, at run time.
"""

import base64
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Validity of what is made here; make-corpus uses the same dates.
CA_FROM = datetime.datetime(2020, 1, 1)
CA_TO = datetime.datetime(2040, 1, 1)
LEAF_FROM = datetime.datetime(2029, 7, 1)
LEAF_TO = datetime.datetime(2030, 7, 1)

ORG = "edgeprobe corpus"
NAME = "www.corpus.test"

OID_SAN = "2.5.29.17"
OID_NAME_CONSTRAINTS = "2.5.29.30"
OID_AIA = "1.3.6.1.5.5.7.1.1"
OID_AD_CA_ISSUERS = "1.3.6.1.5.5.7.48.2"
OID_ECDSA_SHA384 = "1.2.840.10045.4.3.3"

# ---- DER -----------------------------------------------------------------

SEQUENCE = 0x30
INTEGER = 0x02
BOOLEAN = 0x01
OCTET_STRING = 0x04
OBJECT_ID = 0x06
BIT_STRING = 0x03
EXTENSIONS = 0xA3       # [3] EXPLICIT, in a TBSCertificate


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def read_tlv(b, i):
    """The element at b[i]: (tag, start of its value, end of it)."""
    tag = b[i]
    n = b[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[j:j + k], "big")
        j += k
    if j + n > len(b):
        raise ValueError("DER element runs past its end")
    return tag, j, j + n


def elements(b):
    """The elements of a constructed value b, each whole (TLV)."""
    out = []
    i = 0
    while i < len(b):
        _, _, end = read_tlv(b, i)
        out.append(b[i:end])
        i = end
    return out


def value(element):
    _, start, end = read_tlv(element, 0)
    return element[start:end]


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    body = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.insert(0, 0x80 | (a & 0x7F))
            a >>= 7
        body += bytes(chunk)
    return tlv(OBJECT_ID, body)


def integer(n):
    """A DER INTEGER of n, negative numbers in two's complement."""
    size = 1
    while True:
        try:
            return tlv(INTEGER, n.to_bytes(size, "big", signed=True))
        except OverflowError:
            size += 1


def extension(dotted, der_value, critical=False):
    crit = tlv(BOOLEAN, b"\xff") if critical else b""
    return tlv(SEQUENCE, oid(dotted) + crit + tlv(OCTET_STRING, der_value))


def extension_oid(ext):
    return elements(value(ext))[0]


# ---- TBSCertificate surgery ----------------------------------------------

class Tbs:
    """A TBSCertificate taken apart: its fields, each a whole element."""

    def __init__(self, der):
        self.fields = elements(value(der))

    def index(self, tag):
        for i, f in enumerate(self.fields):
            if f[0] == tag:
                return i
        return -1

    # version, serialNumber, signature, ...: the serial is the first
    # INTEGER, after the [0] version.
    def set_serial(self, element):
        self.fields[self.index(INTEGER)] = element

    def set_signature_algorithm(self, element):
        self.fields[self.index(INTEGER) + 1] = element

    def extensions(self):
        i = self.index(EXTENSIONS)
        return [] if i < 0 else elements(value(value(self.fields[i])))

    def set_extensions(self, exts):
        i = self.index(EXTENSIONS)
        self.fields[i] = tlv(EXTENSIONS, tlv(SEQUENCE, b"".join(exts)))

    def add_extension(self, ext):
        self.set_extensions(self.extensions() + [ext])

    def replace_extension(self, dotted, ext):
        want = oid(dotted)
        self.set_extensions([ext if extension_oid(e) == want else e
                             for e in self.extensions()])

    def der(self):
        return tlv(SEQUENCE, b"".join(self.fields))


def sign(tbs_der, key):
    """Signs with SHA-256 as the certificate's outer algorithm says."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(tbs_der, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA256())
    raise ValueError("no signing for this key type")


def resign(cert, tbs, issuer_key):
    """The certificate of the changed tbs, signed again by its issuer
    under the algorithm cert was signed with."""
    der = cert.public_bytes(serialization.Encoding.DER)
    outer = elements(value(der))[1]
    tbs_der = tbs.der()
    sig = sign(tbs_der, issuer_key)
    return tlv(SEQUENCE, tbs_der + outer + tlv(BIT_STRING, b"\x00" + sig))


# ---- sound certificates, to start from -----------------------------------

def name(cn):
    """O, then CN: the order certtool writes them in."""
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ski_of(key):
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def aki_of(issuer, issuer_key):
    """The issuer's own subject key identifier when it has one (certtool
    computes it otherwise than this library would)."""
    if issuer is not None:
        try:
            ski = issuer.extensions.get_extension_for_class(
                x509.SubjectKeyIdentifier).value
            return x509.AuthorityKeyIdentifier.\
                from_issuer_subject_key_identifier(ski)
        except x509.ExtensionNotFound:
            pass
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(
        issuer_key.public_key())


def build(subject, key, issuer, issuer_key, ca=False, sans=(NAME,),
          ski=True, aki=True, san_critical=False, aki_ext=None,
          cert_sign=False):
    """A sound leaf (or CA) certificate, as a CA following the CA/B
    Forum's profile would issue it.  issuer is the issuer's certificate,
    None for a self-signed one."""
    b = x509.CertificateBuilder()
    b = b.subject_name(subject)
    b = b.issuer_name(subject if issuer is None else issuer.subject)
    b = b.public_key(key.public_key())
    b = b.serial_number(x509.random_serial_number())
    if ca:
        b = b.not_valid_before(CA_FROM).not_valid_after(CA_TO)
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None),
                            critical=True)
        b = b.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False,
            key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        b = b.not_valid_before(LEAF_FROM).not_valid_after(LEAF_TO)
        b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None),
                            critical=True)
        b = b.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=cert_sign, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(s) for s in sans]), critical=san_critical)
    if ski:
        b = b.add_extension(ski_of(key), critical=False)
    if aki_ext is not None:
        b = b.add_extension(aki_ext, critical=False)
    elif aki:
        b = b.add_extension(aki_of(issuer, issuer_key), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


# ---- files ---------------------------------------------------------------

class Dir:
    def __init__(self, path):
        self.path = path

    def file(self, name):
        return os.path.join(self.path, name)

    def key(self, name):
        with open(self.file(name + ".key"), "rb") as f:
            return serialization.load_pem_private_key(f.read(), None)

    def cert(self, name):
        with open(self.file(name + ".pem"), "rb") as f:
            return x509.load_pem_x509_certificate(f.read())

    def new_key(self, name):
        key = ec.generate_private_key(ec.SECP256R1())
        self.write(name + ".key", key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()))
        return key

    def write(self, name, data):
        tmp = self.file(name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, self.file(name))

    def write_pem(self, name, der):
        self.write(name + ".pem", pem(der))


def pem(der):
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) +
            "\n-----END CERTIFICATE-----\n").encode("ascii")


def der_of(cert):
    return cert.public_bytes(serialization.Encoding.DER)


# ---- the corpus' own certificates ----------------------------------------

def forge(d):
    int_cert, int_key = d.cert("int"), d.key("int")
    root_cert, root_key = d.cert("root"), d.key("root")

    def leaf(name_, **kw):
        key = d.new_key(name_)
        return build(name(NAME), key, int_cert, int_key, **kw)

    # serial-invalid: zero, negative, longer than 20 octets.
    for which, n in (("serial-zero", 0), ("serial-negative", -0x1234567890),
                     ("serial-long", 1 << 160)):
        cert = leaf(which)
        tbs = Tbs(cert.tbs_certificate_bytes)
        tbs.set_serial(integer(n))
        d.write_pem(which, resign(cert, tbs, int_key))

    # leaf-is-ca: keyCertSign in a leaf that is no CA (certtool drops the
    # bit when the certificate is not a CA).
    d.write_pem("leaf-cert-sign", der_of(leaf("leaf-cert-sign",
                                              cert_sign=True)))

    # key-id-missing: a leaf without AKI; a CA without SKI, and its leaf.
    d.write_pem("aki-missing", der_of(leaf("aki-missing", aki=False)))
    noski_key = d.new_key("ski-missing-int")
    noski = build(name("Corpus No SKI CA"), noski_key, root_cert, root_key,
                  ca=True, sans=(), ski=False)
    d.write_pem("ski-missing-int", der_of(noski))
    key = d.new_key("ski-missing-leaf")
    d.write_pem("ski-missing-leaf", der_of(build(
        name(NAME), key, noski, noski_key)))

    # root-aki-mismatch: a root whose AKI names another key than its SKI.
    mroot_key = d.new_key("aki-mismatch-root")
    other = ec.generate_private_key(ec.SECP256R1())
    mroot = build(name("Corpus Mismatched Root"), mroot_key, None,
                  mroot_key, ca=True, sans=(), aki_ext=aki_of(None, other))
    d.write_pem("aki-mismatch-root", der_of(mroot))
    mint_key = d.new_key("aki-mismatch-int")
    mint = build(name("Corpus Mismatched Root Issuing CA"), mint_key, mroot,
                 mroot_key, ca=True, sans=())
    d.write_pem("aki-mismatch-int", der_of(mint))
    key = d.new_key("aki-mismatch-leaf")
    d.write_pem("aki-mismatch-leaf", der_of(build(
        name(NAME), key, mint, mint_key)))

    # aia-malformed: an AccessDescription without its accessLocation.
    cert = leaf("aia-malformed")
    tbs = Tbs(cert.tbs_certificate_bytes)
    bad = tlv(SEQUENCE, tlv(SEQUENCE, oid(OID_AD_CA_ISSUERS)))
    tbs.add_extension(extension(OID_AIA, bad))
    d.write_pem("aia-malformed", resign(cert, tbs, int_key))

    # san-criticality, both ways.
    d.write_pem("san-critical", der_of(leaf("san-critical",
                                            san_critical=True)))
    key = d.new_key("san-empty-subject")
    d.write_pem("san-empty-subject", der_of(build(
        x509.Name([]), key, int_cert, int_key)))

    # name-constraints-empty: a CA whose name constraints are an empty
    # SEQUENCE, and a leaf under it.
    ncint_key = d.new_key("nc-empty-int")
    ncint = build(name("Corpus Empty Constraints CA"), ncint_key, root_cert,
                  root_key, ca=True, sans=())
    tbs = Tbs(ncint.tbs_certificate_bytes)
    tbs.add_extension(extension(OID_NAME_CONSTRAINTS, tlv(SEQUENCE, b""),
                                critical=True))
    d.write_pem("nc-empty-int", resign(ncint, tbs, root_key))
    key = d.new_key("nc-empty-leaf")
    d.write_pem("nc-empty-leaf", der_of(build(
        name(NAME), key, ncint, ncint_key)))

    # Malformed: duplicate extensions (a second SAN, naming another host).
    cert = leaf("duplicate-extension")
    tbs = Tbs(cert.tbs_certificate_bytes)
    second = x509.SubjectAlternativeName([x509.DNSName("other.corpus.test")])
    tbs.add_extension(extension(OID_SAN, second.public_bytes()))
    d.write_pem("duplicate-extension", resign(cert, tbs, int_key))

    # Malformed: a SAN whose dNSName claims more bytes than there are.
    cert = leaf("san-malformed")
    tbs = Tbs(cert.tbs_certificate_bytes)
    inner = b"\x82\x20" + NAME.encode("ascii")
    tbs.replace_extension(OID_SAN, extension(OID_SAN, tlv(SEQUENCE, inner)))
    d.write_pem("san-malformed", resign(cert, tbs, int_key))

    # Malformed: the TBSCertificate says ecdsa-with-SHA384, the outer
    # algorithm (and the signature) ecdsa-with-SHA256.
    cert = leaf("sigalg-mismatch")
    tbs = Tbs(cert.tbs_certificate_bytes)
    tbs.set_signature_algorithm(tlv(SEQUENCE, oid(OID_ECDSA_SHA384)))
    d.write_pem("sigalg-mismatch", resign(cert, tbs, int_key))

    # Malformed: DER cut short.  The leaf alone, as a DER file; and a PEM
    # file of the sound leaf followed by its issuer cut short.
    der = der_of(d.cert("leaf"))
    d.write("truncated-leaf.der", der[:len(der) - 40])
    ider = der_of(int_cert)
    with open(d.file("leaf.pem"), "rb") as f:
        d.write("second-truncated.pem", f.read() + pem(ider[:len(ider) // 2]))

    # Nothing that looks like a certificate.
    d.write("no-certificate.txt", b"This file holds no certificate.\n")


# ---- the corpus is what the cases say it is ------------------------------
#
# A case whose certificate lost its fault (a certtool or library that
# quietly writes it sound) would pass for the wrong reason: each fault is
# looked for here, in the DER, and its absence stops the run.

OID_EKU = "2.5.29.37"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
OID_SKI = "2.5.29.14"
OID_AKI = "2.5.29.35"
OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
OID_ANY_EKU = "2.5.29.37.0"

# When the cases judge (tests/corpus/run's default --at).
AT = datetime.datetime(2030, 1, 1)


def pem_blocks(data):
    out = []
    for block in data.split(b"-----BEGIN CERTIFICATE-----")[1:]:
        b64 = block.split(b"-----END CERTIFICATE-----")[0]
        out.append(base64.b64decode(b"".join(b64.split())))
    return out


def extensions_of(tbs):
    """(OID element, critical, value) of each extension of a Tbs."""
    out = []
    for e in tbs.extensions():
        parts = elements(value(e))
        crit = len(parts) == 3 and parts[1] == tlv(BOOLEAN, b"\xff")
        out.append((parts[0], crit, value(parts[-1])))
    return out


def find_extensions(tbs, dotted):
    return [e for e in extensions_of(tbs) if e[0] == oid(dotted)]


def not_before(c):
    """UTC, naive: the names of version 38 (later ones deprecate them)."""
    t = getattr(c, "not_valid_before_utc", None)
    return c.not_valid_before if t is None else t.replace(tzinfo=None)


def not_after(c):
    t = getattr(c, "not_valid_after_utc", None)
    return c.not_valid_after if t is None else t.replace(tzinfo=None)


def check_corpus(d):
    problems = []

    def raw(name_):
        with open(d.file(name_ + ".pem"), "rb") as f:
            return pem_blocks(f.read())[0]

    def tbs(name_):
        return Tbs(elements(value(raw(name_)))[0])

    def want(cond, what):
        if not cond:
            problems.append(what)

    def ext(name_, dotted):
        e = find_extensions(tbs(name_), dotted)
        return e[0] if len(e) == 1 else None

    def eku(name_):
        e = ext(name_, OID_EKU)
        return None if e is None else elements(value(e[2]))

    def subject(name_):
        return tbs(name_).fields[tbs(name_).index(INTEGER) + 4]

    cert = d.cert

    def valid_at(c):
        return (not_before(c) <= AT and
                not_after(c) > AT + datetime.timedelta(days=31))

    # The sound chains, valid when judged and some way off expiring.
    for n in ("root", "int", "leaf", "d2-upper", "d2-lower", "d2-leaf",
              "d3-upper", "d3-middle", "d3-lower", "d3-leaf", "lync-leaf"):
        want(valid_at(cert(n)), n + ": not valid at " + str(AT))
    want(eku("leaf") == [oid(OID_SERVER_AUTH)], "leaf: EKU not serverAuth")

    # Expired: the cross certificate (of the root's name and key) and the
    # anchor of anchor-expired.
    cross, root = cert("root-cross"), cert("root")
    want(not_after(cross) < AT, "root-cross: not expired")
    want(subject("root-cross") == subject("root"),
         "root-cross: not the root's subject")
    want(cross.public_key().public_numbers() ==
         root.public_key().public_numbers(), "root-cross: not the root's key")
    want(cross.issuer == cert("old-root").subject,
         "root-cross: not issued by old-root")
    want(not_after(cert("expired-root")) < AT,
         "expired-root: not expired")
    want(valid_at(cert("expired-int")) and valid_at(cert("expired-leaf")),
         "expired-int, expired-leaf: not valid")

    # Extended key usage and basic constraints of the leaves.
    for n in ("no-eku", "lync-no-eku"):
        want(ext(n, OID_EKU) is None, n + ": has an EKU extension")
    want(sorted(eku("any-eku")) == sorted([oid(OID_SERVER_AUTH),
                                           oid(OID_ANY_EKU)]),
         "any-eku: EKU not serverAuth and anyExtendedKeyUsage")
    want(eku("any-eku-only") == [oid(OID_ANY_EKU)],
         "any-eku-only: EKU not anyExtendedKeyUsage alone")
    bc = cert("leaf-ca").extensions.get_extension_for_class(
        x509.BasicConstraints).value
    ku = cert("leaf-ca").extensions.get_extension_for_class(
        x509.KeyUsage).value
    want(bc.ca and ku.key_cert_sign, "leaf-ca: not a CA with keyCertSign")
    bc = cert("leaf-cert-sign").extensions.get_extension_for_class(
        x509.BasicConstraints).value
    ku = cert("leaf-cert-sign").extensions.get_extension_for_class(
        x509.KeyUsage).value
    want(not bc.ca and ku.key_cert_sign,
         "leaf-cert-sign: not keyCertSign without cA")
    want(isinstance(cert("dsa-leaf").public_key(), dsa.DSAPublicKey),
         "dsa-leaf: not a DSA key")

    # Name constraints.
    nc = cert("nc-other-int").extensions.get_extension_for_class(
        x509.NameConstraints).value
    want([g.value for g in nc.permitted_subtrees] == ["other.test"],
         "nc-other-int: does not permit other.test alone")
    nc = cert("nc-upper").extensions.get_extension_for_class(
        x509.NameConstraints).value
    want([g.value for g in nc.permitted_subtrees] == ["corpus.test"],
         "nc-upper: does not permit corpus.test alone")
    san = cert("nc-lower").extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    want(san.get_values_for_type(x509.DNSName) == ["ca.elsewhere.test"],
         "nc-lower: its SAN is not ca.elsewhere.test")
    e = ext("nc-empty-int", OID_NAME_CONSTRAINTS)
    want(e is not None and e[1] and e[2] == tlv(SEQUENCE, b""),
         "nc-empty-int: name constraints not a critical empty SEQUENCE")

    # Serials.
    def serial(n):
        t = tbs(n)
        return value(t.fields[t.index(INTEGER)])
    want(serial("serial-zero") == b"\x00", "serial-zero: serial not 0")
    want(serial("serial-negative")[0] & 0x80,
         "serial-negative: serial not negative")
    want(len(serial("serial-long")) == 21 and serial("serial-long")[0] != 0,
         "serial-long: serial not of 21 octets")

    # Key identifiers.
    want(not find_extensions(tbs("aki-missing"), OID_AKI),
         "aki-missing: has an AKI")
    want(not find_extensions(tbs("ski-missing-int"), OID_SKI),
         "ski-missing-int: has an SKI")
    mroot = cert("aki-mismatch-root")
    aki = mroot.extensions.get_extension_for_class(
        x509.AuthorityKeyIdentifier).value
    ski = mroot.extensions.get_extension_for_class(
        x509.SubjectKeyIdentifier).value
    want(mroot.subject == mroot.issuer and aki.key_identifier != ski.digest,
         "aki-mismatch-root: not self-issued with AKI unlike its SKI")

    # AIA, SAN criticality.
    e = ext("aia-malformed", OID_AIA)
    want(e is not None and len(elements(value(e[2]))) == 1 and
         len(elements(value(elements(value(e[2]))[0]))) == 1,
         "aia-malformed: not an AccessDescription without accessLocation")
    e = ext("san-critical", OID_SAN)
    want(e is not None and e[1] and subject("san-critical") !=
         tlv(SEQUENCE, b""), "san-critical: SAN not critical, or no subject")
    e = ext("san-empty-subject", OID_SAN)
    want(e is not None and not e[1] and subject("san-empty-subject") ==
         tlv(SEQUENCE, b""), "san-empty-subject: subject or SAN not so")

    # Malformed.
    want(len(find_extensions(tbs("duplicate-extension"), OID_SAN)) == 2,
         "duplicate-extension: not two SAN extensions")
    e = ext("san-malformed", OID_SAN)
    try:
        elements(value(e[2]))
        want(False, "san-malformed: its SAN parses")
    except (ValueError, IndexError):
        pass
    parts = elements(value(raw("sigalg-mismatch")))
    t = Tbs(parts[0])
    want(t.fields[t.index(INTEGER) + 1] != parts[1],
         "sigalg-mismatch: inner and outer algorithms agree")
    for n, der in (("truncated-leaf.der", None),
                   ("second-truncated.pem", 1)):
        with open(d.file(n), "rb") as f:
            data = f.read()
        blob = data if der is None else pem_blocks(data)[der]
        try:
            read_tlv(blob, 0)
            want(False, n + ": not cut short")
        except (ValueError, IndexError):
            pass

    return problems


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: forge.py DIR\n")
        return 2
    d = Dir(sys.argv[1])
    forge(d)
    problems = check_corpus(d)
    for p in problems:
        sys.stderr.write("forge.py: the corpus is not as meant: %s\n" % p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
