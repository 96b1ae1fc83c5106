"""Social and single sign-on providers switched on by environment variables, not code.

GitHub: GITHUB_CLIENT_ID, GITHUB_SECRET. WeChat (website QR login): WECHAT_APP_ID,
WECHAT_SECRET. OpenID Connect (a university's own identity provider): OIDC_CLIENT_ID,
OIDC_SECRET, OIDC_SERVER_URL (the issuer; discovery is read from its
/.well-known/openid-configuration), optional OIDC_PROVIDER_ID (URL slug, default
"university") and OIDC_NAME (button label). A provider whose variables are missing stays off.
"""


def social_providers(env) -> dict:
    """The SOCIALACCOUNT_PROVIDERS setting built from `env` (a django-environ Env or mapping)."""

    def value(name: str) -> str:
        return (env.get(name) if isinstance(env, dict) else env(name, default="")) or ""

    providers: dict = {}
    if value("GITHUB_CLIENT_ID") and value("GITHUB_SECRET"):
        providers["github"] = {
            "APPS": [{"client_id": value("GITHUB_CLIENT_ID"), "secret": value("GITHUB_SECRET")}],
            "SCOPE": ["read:user", "user:email"],
        }
    if value("WECHAT_APP_ID") and value("WECHAT_SECRET"):
        providers["weixin"] = {
            "APPS": [{"client_id": value("WECHAT_APP_ID"), "secret": value("WECHAT_SECRET")}],
            "SCOPE": ["snsapi_login"],
        }
    if value("OIDC_CLIENT_ID") and value("OIDC_SECRET") and value("OIDC_SERVER_URL"):
        providers["openid_connect"] = {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": value("OIDC_PROVIDER_ID") or "university",
                    "name": value("OIDC_NAME") or "University login",
                    "client_id": value("OIDC_CLIENT_ID"),
                    "secret": value("OIDC_SECRET"),
                    "settings": {"server_url": value("OIDC_SERVER_URL")},
                }
            ],
        }
    return providers
