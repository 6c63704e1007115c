"""Swedish personal identity numbers (personnummer and samordningsnummer).

Validation (date and Luhn check digit) is the `personnummer` package's, which accepts
samordningsnummer (day of birth + 60); values are stored normalised to 12 digits and shown masked.
"""

from personnummer import personnummer as _pnr

from kundtjanst.errors import DomainError


def normalise_personnummer(raw: str) -> str:
    """Return the 12-digit form (YYYYMMDDNNNN) or raise DomainError `personnummer-invalid`."""
    value = raw.strip()
    try:
        return str(_pnr.parse(value).format(True))
    except _pnr.PersonnummerException as exc:
        raise DomainError(
            "personnummer-invalid",
            "Ogiltigt personnummer eller samordningsnummer (kontrollera datum och kontrollsiffra).",
            field="personnummer",
        ) from exc


def mask_personnummer(normalised: str) -> str:
    """'198507099805' -> '19850709-****': enough to recognise a person, not to identify one."""
    if len(normalised) != 12:
        return "****"
    return f"{normalised[:8]}-****"
