"""WeChat (Weixin) website sign-in: allauth's provider with WeChat's error codes handled.

allauth's own `weixin` provider is used as is, except where WeChat differs from plain OAuth 2:
the token is fetched with GET as WeChat documents, an `errcode` in a 200 answer (token or
user info) becomes a clear message instead of a crash, and the user info body is read as the
UTF-8 WeChat sends whatever its Content-Type says (docs/decisions/0053).
"""
