"""User-facing verification messages in English and Simplified Chinese (zh-Hans).

Each check result carries a stable ``code``; this table gives its text in both languages.
Placeholders hold data only (``{value}``: a URL, a date, term names; ``{limit}``;
``{purpose}``), never English prose, so the Chinese text is Chinese throughout; technical
explanations stay in the check's ``detail`` (for logs and the API). The Django side may
re-wrap the texts in gettext, but the core never shows a message in only one language.
"""

from __future__ import annotations

from types import MappingProxyType

_MESSAGES: dict[str, tuple[str, str]] = {
    # parsing
    "parsed": ("The credential was read successfully.", "已成功读取凭证。"),
    "input_empty": ("Nothing was provided to verify.", "没有提供需要验证的内容。"),
    "input_too_large": (
        "The input is larger than {limit} and was not processed.",
        "输入内容超过 {limit}，未予处理。",
    ),
    "input_not_json": ("The input is not valid JSON.", "输入内容不是有效的 JSON。"),
    "input_not_object": (
        "The input is JSON but not a credential object.",
        "输入内容是 JSON，但不是凭证对象。",
    ),
    "input_too_deep": (
        "The JSON is nested more than {limit} levels deep and was not processed.",
        "JSON 嵌套超过 {limit} 层，未予处理。",
    ),
    "input_too_complex": (
        (
            "The credential holds more than {limit} values, far more than any real credential; "
            "it was not processed."
        ),
        "凭证包含超过 {limit} 个数据项，远超正常凭证，未予处理。",
    ),
    "input_jwt": (
        "This is a JWT-secured credential; this verifier checks Data Integrity proofs only.",
        "这是以 JWT 保护的凭证；本验证器仅支持数据完整性（Data Integrity）证明。",
    ),
    "input_unsupported_type": (
        "Unsupported input: give JSON text, a JSON file or a baked PNG badge.",
        "不支持的输入：请提供 JSON 文本、JSON 文件或嵌入凭证的 PNG 徽章。",
    ),
    "png_invalid": ("The PNG image is damaged or invalid.", "PNG 图片已损坏或无效。"),
    "png_too_large": (
        "The PNG image, or the credential in it, is too large.",
        "PNG 图片或其中的凭证过大。",
    ),
    "png_no_credential": (
        "This PNG image does not contain an Open Badges credential.",
        "此 PNG 图片中没有嵌入开放徽章（Open Badges）凭证。",
    ),
    # structure
    "shape_ok": ("It has the structure of a verifiable credential.", "其结构符合可验证凭证。"),
    "shape_no_context": (
        "It is not a verifiable credential: it has no @context.",
        "不是可验证凭证：缺少 @context。",
    ),
    "shape_no_vc_type": (
        "It is not a verifiable credential: its type does not include VerifiableCredential.",
        "不是可验证凭证：其类型不包含 VerifiableCredential。",
    ),
    "shape_no_issuer": (
        "It is not a verifiable credential: it names no issuer.",
        "不是可验证凭证：未注明签发机构。",
    ),
    "shape_no_subject": (
        "It is not a verifiable credential: it has no credential subject.",
        "不是可验证凭证：缺少凭证主体。",
    ),
    # JSON-LD
    "jsonld_ok": (
        "All contexts are known and every term is defined.",
        "所有上下文均为已知，所有术语均有定义。",
    ),
    "context_unknown": (
        "The credential uses a context this verifier does not know: {value}",
        "凭证使用了本验证器不认识的上下文：{value}",
    ),
    "context_tampered": (
        "A bundled context file was altered; verification is impossible.",
        "内置上下文文件已被篡改，无法验证。",
    ),
    "jsonld_undefined_term": (
        (
            "The credential contains data its contexts do not define (not covered by the "
            "signature): {value}"
        ),
        "凭证包含其上下文未定义的数据（不受签名保护）：{value}",
    ),
    "jsonld_invalid": ("The credential is not valid JSON-LD.", "凭证不是有效的 JSON-LD。"),
    "jsonld_too_complex": (
        "The credential's data is structured in a way crafted to overload verifiers; refused.",
        "凭证数据结构经过刻意构造，可能用于拖垮验证程序，已拒绝处理。",
    ),
    # schema
    "schema_ok": (
        "It matches the Open Badges 3.0 schema.",
        "符合开放徽章 3.0（Open Badges 3.0）数据结构。",
    ),
    "schema_invalid": (
        "It does not match the Open Badges 3.0 schema at: {value}",
        "不符合开放徽章 3.0 数据结构，问题位置：{value}",
    ),
    "schema_not_applicable": (
        "Not an Open Badges achievement credential; the badge schema does not apply.",
        "不是开放徽章成就凭证，不适用徽章数据结构检查。",
    ),
    # proof
    "proof_ok": (
        "The digital signature ({value}) is present and well formed.",
        "数字签名（{value}）存在且格式正确。",
    ),
    "proof_missing": ("The credential has no digital signature.", "凭证没有数字签名。"),
    "proof_unsupported": (
        "The signature type is not supported by this verifier: {value}",
        "本验证器不支持此签名类型：{value}",
    ),
    "proof_malformed": ("The signature is malformed.", "签名格式错误。"),
    "proof_invalid": ("The signature could not be checked.", "无法检查签名。"),
    "proof_purpose": (
        "The signature was not made for issuing (purpose: {value}).",
        "该签名不是用于签发的（用途：{value}）。",
    ),
    "proof_context_mismatch": (
        "The signature's context differs from the credential's.",
        "签名的上下文与凭证不一致。",
    ),
    # integrity
    "integrity_ok": (
        "The content has not been changed since it was signed.",
        "内容自签名以来未被更改。",
    ),
    "proof_signature": (
        (
            "The signature does not match: the credential was changed after signing, or it was "
            "signed with another key."
        ),
        "签名不匹配：凭证在签名后被修改，或使用了其他密钥签名。",
    ),
    "integrity_no_key": (
        "Could not check whether the content was changed: the signing key is not available.",
        "无法检查内容是否被更改：无法获得签名密钥。",
    ),
    "integrity_jsonld_failed": (
        (
            "Could not check whether the content was changed: the credential's data could not be "
            "processed."
        ),
        "无法检查内容是否被更改：凭证数据无法处理。",
    ),
    "integrity_no_proof": (
        "Could not check whether the content was changed: there is no supported signature.",
        "无法检查内容是否被更改：没有受支持的签名。",
    ),
    # issuer key
    "issuer_key_no_proof": (
        "The signing key was not checked: there is no supported signature.",
        "未检查签名密钥：没有受支持的签名。",
    ),
    "issuer_key_ok": (
        "The signing key belongs to the issuer {value}.",
        "签名密钥属于签发机构 {value}。",
    ),
    "issuer_key_mismatch": (
        "The signing key does not belong to the issuer named in the credential ({value}).",
        "签名密钥不属于凭证中所列的签发机构（{value}）。",
    ),
    "issuer_key_not_found": (
        "The issuer does not publish this signing key: {value}",
        "签发机构未公布此签名密钥：{value}",
    ),
    "issuer_key_unsupported": (
        "The signing key's identifier cannot be used: {value}",
        "无法使用此签名密钥标识：{value}",
    ),
    "issuer_key_unreachable": (
        "Could not fetch the issuer's published keys from {value}.",
        "无法从 {value} 获取签发机构公布的密钥。",
    ),
    "issuer_key_no_resolver": (
        (
            "The issuer's keys are published at {value}; this check was run offline and could "
            "not fetch them."
        ),
        "签发机构的密钥公布于 {value}；本次为离线检查，无法获取。",
    ),
    # dates
    "valid_from_ok": ("Valid since {value}.", "自 {value} 起生效。"),
    "valid_from_none": ("No start of validity is stated.", "未注明生效时间。"),
    "not_yet_valid": (
        "Not valid yet: it becomes valid on {value}.",
        "尚未生效：将于 {value} 生效。",
    ),
    "valid_until_ok": ("Not expired (valid until {value}).", "未过期（有效期至 {value}）。"),
    "no_expiry": ("It does not expire.", "该凭证没有有效期限制。"),
    "expired": ("Expired on {value}.", "已于 {value} 过期。"),
    "date_invalid": ("A validity date is malformed: {value}", "有效期日期格式错误：{value}"),
    # status
    "status_ok": ("Not {purpose}.", "未被{purpose_zh}。"),
    "revoked": ("REVOKED by the issuer.", "已被签发机构撤销。"),
    "suspended": ("SUSPENDED by the issuer.", "已被签发机构暂停。"),
    "status_none": (
        "The issuer published no {purpose} list for this credential.",
        "签发机构未为此凭证发布{purpose_zh}状态列表。",
    ),
    "status_no_resolver": (
        "Status could not be checked (offline): whether it is {purpose} is unknown.",
        "无法检查状态（离线）：无法确定是否已被{purpose_zh}。",
    ),
    "status_unreachable": (
        "Status could not be checked: the status list at {value} could not be fetched.",
        "无法检查状态：无法获取位于 {value} 的状态列表。",
    ),
    "status_list_invalid": (
        "Status could not be checked: the status list is invalid or not the issuer's.",
        "无法检查状态：状态列表无效或并非由签发机构发布。",
    ),
    "status_unsupported": (
        "Status could not be checked: unsupported status type {value}.",
        "无法检查状态：不支持的状态类型 {value}。",
    ),
    # recipient
    "recipient_match": (
        "The e-mail address given matches the credential's holder.",
        "所提供的电子邮箱与凭证持有人相符。",
    ),
    "recipient_mismatch": (
        "The e-mail address given does NOT match the credential's holder.",
        "所提供的电子邮箱与凭证持有人不符。",
    ),
    # verdicts
    "verdict_valid": ("Valid: every check passed.", "有效：所有检查均已通过。"),
    "verdict_invalid": ("NOT valid: {value}", "无效：{value}"),
    "verdict_unverified": (
        "Could not be fully verified; do not treat it as valid: {value}",
        "无法完整验证，请勿视为有效：{value}",
    ),
    "check_skipped": (
        "Not checked because an earlier check failed.",
        "由于前面的检查未通过，未进行此项检查。",
    ),
}

_PURPOSE_ZH = {"revocation": "撤销", "suspension": "暂停"}
_PURPOSE_EN = {"revocation": "revoked", "suspension": "suspended"}

MESSAGES = MappingProxyType(_MESSAGES)


def render(code: str, value: str = "", **params: str) -> tuple[str, str]:
    """Return the (English, Chinese) message for ``code`` with placeholders filled.

    An unknown code renders as the code itself in both languages (never an exception).
    """
    en, zh = _MESSAGES.get(code, (code, code))
    purpose = params.get("purpose", "")
    values = {
        "value": value,
        "limit": params.get("limit", ""),
        "purpose": _PURPOSE_EN.get(purpose, purpose),
        "purpose_zh": _PURPOSE_ZH.get(purpose, purpose),
    }
    return en.format(**values), zh.format(**values)
