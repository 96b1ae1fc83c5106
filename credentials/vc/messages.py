"""User-facing verification messages in English and Simplified Chinese (zh-Hans).

Each check result carries a stable ``code``; this table gives its text in both languages.
The Django side may re-wrap them in gettext, but the core never shows a message in only one
language. Placeholders use ``str.format`` names.
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
    "input_not_json": (
        "The input is not valid JSON: {detail}",
        "输入内容不是有效的 JSON：{detail}",
    ),
    "input_not_object": (
        "The input is JSON but not a credential object.",
        "输入内容是 JSON，但不是凭证对象。",
    ),
    "input_too_deep": (
        "The JSON is nested more than {limit} levels deep and was not processed.",
        "JSON 嵌套超过 {limit} 层，未予处理。",
    ),
    "input_too_complex": (
        "The credential holds more than {limit} values, far more than any real credential; "
        "it was not processed.",
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
    "png_invalid": (
        "The PNG image is damaged or invalid: {detail}",
        "PNG 图片已损坏或无效：{detail}",
    ),
    "png_too_large": ("The PNG image is too large: {detail}", "PNG 图片过大：{detail}"),
    "png_no_credential": (
        "This PNG image does not contain an Open Badges credential.",
        "此 PNG 图片中没有嵌入开放徽章（Open Badges）凭证。",
    ),
    # structure
    "shape_ok": ("It has the structure of a verifiable credential.", "其结构符合可验证凭证。"),
    "shape_invalid": (
        "It is not a well-formed verifiable credential: {detail}",
        "不是格式正确的可验证凭证：{detail}",
    ),
    # JSON-LD
    "jsonld_ok": (
        "All contexts are known and every term is defined.",
        "所有上下文均为已知，所有术语均有定义。",
    ),
    "context_unknown": (
        "The credential uses a context this verifier does not know: {detail}",
        "凭证使用了本验证器不认识的上下文：{detail}",
    ),
    "context_tampered": (
        "A bundled context file was altered; verification is impossible: {detail}",
        "内置上下文文件已被篡改，无法验证：{detail}",
    ),
    "jsonld_undefined_term": (
        "The credential contains data its contexts do not define (not covered by the "
        "signature): {detail}",
        "凭证包含其上下文未定义的数据（不受签名保护）：{detail}",
    ),
    "jsonld_too_complex": (
        "The credential's data is structured in a way crafted to overload verifiers; refused.",
        "凭证数据结构经过刻意构造，可能用于拖垮验证程序，已拒绝处理。",
    ),
    "jsonld_invalid": (
        "The credential is not valid JSON-LD: {detail}",
        "凭证不是有效的 JSON-LD：{detail}",
    ),
    # schema
    "schema_ok": (
        "It matches the Open Badges 3.0 schema.",
        "符合开放徽章 3.0（Open Badges 3.0）数据结构。",
    ),
    "schema_invalid": (
        "It does not match the Open Badges 3.0 schema: {detail}",
        "不符合开放徽章 3.0 数据结构：{detail}",
    ),
    "schema_not_applicable": (
        "Not an Open Badges achievement credential; the badge schema does not apply.",
        "不是开放徽章成就凭证，不适用徽章数据结构检查。",
    ),
    # proof
    "proof_ok": (
        "The digital signature ({detail}) is present and well formed.",
        "数字签名（{detail}）存在且格式正确。",
    ),
    "proof_missing": ("The credential has no digital signature.", "凭证没有数字签名。"),
    "proof_unsupported": (
        "The signature type is not supported by this verifier: {detail}",
        "本验证器不支持此签名类型：{detail}",
    ),
    "proof_invalid": (
        "The signature could not be checked: {detail}",
        "无法检查签名：{detail}",
    ),
    "proof_malformed": ("The signature is malformed: {detail}", "签名格式错误：{detail}"),
    "proof_purpose": (
        "The signature was not made for issuing: {detail}",
        "该签名不是用于签发的：{detail}",
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
        "The signature does not match: the credential was changed after signing, or it was "
        "signed with another key.",
        "签名不匹配：凭证在签名后被修改，或使用了其他密钥签名。",
    ),
    "integrity_not_checked": (
        "Could not check whether the content was changed: {detail}",
        "无法检查内容是否被更改：{detail}",
    ),
    # issuer key
    "issuer_key_ok": (
        "The signing key belongs to the issuer {detail}.",
        "签名密钥属于签发机构 {detail}。",
    ),
    "issuer_key_mismatch": (
        "The signing key does not belong to the issuer named in the credential: {detail}",
        "签名密钥不属于凭证中所列的签发机构：{detail}",
    ),
    "issuer_key_not_found": (
        "The issuer does not publish this signing key: {detail}",
        "签发机构未公布此签名密钥：{detail}",
    ),
    "issuer_key_unsupported": (
        "The signing key's identifier cannot be resolved: {detail}",
        "无法解析签名密钥标识：{detail}",
    ),
    "issuer_key_unreachable": (
        "Could not fetch the issuer's published keys: {detail}",
        "无法获取签发机构公布的密钥：{detail}",
    ),
    "issuer_key_no_resolver": (
        "The issuer's keys are published at {detail}; this check was run offline and could "
        "not fetch them.",
        "签发机构的密钥公布于 {detail}；本次为离线检查，无法获取。",
    ),
    # dates
    "valid_from_ok": ("Valid since {detail}.", "自 {detail} 起生效。"),
    "not_yet_valid": (
        "Not valid yet: it becomes valid on {detail}.",
        "尚未生效：将于 {detail} 生效。",
    ),
    "valid_until_ok": ("Not expired (valid until {detail}).", "未过期（有效期至 {detail}）。"),
    "no_expiry": ("It does not expire.", "该凭证没有有效期限制。"),
    "expired": ("Expired on {detail}.", "已于 {detail} 过期。"),
    "date_invalid": ("A validity date is malformed: {detail}", "有效期日期格式错误：{detail}"),
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
        "Status could not be checked: the status list could not be fetched ({detail}).",
        "无法检查状态：无法获取状态列表（{detail}）。",
    ),
    "status_list_invalid": (
        "Status could not be checked: the status list is invalid ({detail}).",
        "无法检查状态：状态列表无效（{detail}）。",
    ),
    "status_unsupported": (
        "Status could not be checked: unsupported status type {detail}.",
        "无法检查状态：不支持的状态类型 {detail}。",
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
    "verdict_invalid": ("NOT valid: {detail}", "无效：{detail}"),
    "verdict_unverified": (
        "Could not be fully verified; do not treat it as valid: {detail}",
        "无法完整验证，请勿视为有效：{detail}",
    ),
    "check_skipped": (
        "Not checked because an earlier check failed.",
        "由于前面的检查未通过，未进行此项检查。",
    ),
}

_PURPOSE_ZH = {"revocation": "撤销", "suspension": "暂停", "revoked": "撤销", "suspended": "暂停"}
_PURPOSE_EN = {"revocation": "revoked", "suspension": "suspended"}

MESSAGES = MappingProxyType(_MESSAGES)


def render(code: str, detail: str = "", **params: str) -> tuple[str, str]:
    """Return the (English, Chinese) message for ``code`` with placeholders filled."""
    en, zh = _MESSAGES.get(code, ("{detail}", "{detail}"))
    purpose = params.get("purpose", "")
    values = {
        "detail": detail,
        "limit": params.get("limit", ""),
        "purpose": _PURPOSE_EN.get(purpose, purpose),
        "purpose_zh": _PURPOSE_ZH.get(purpose, purpose),
    }
    return en.format(**values), zh.format(**values)
