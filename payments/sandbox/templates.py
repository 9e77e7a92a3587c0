"""The sandbox gateway's HTML: the payment page, the auto-submitting redirect to the merchant, an error page.

Plain strings with inline CSS and no external resources, readable on a 360 px phone.
"""

from html import escape

SCENARIOS = {
    "normal": "Normal",
    "delayed_ipn": "Delayed IPN",
    "no_ipn": "No IPN",
    "duplicate_ipn": "Duplicate IPN (sent twice at once)",
    "risky": "Risky payment (risk_level 1)",
    "amount_mismatch": "Amount mismatch (gateway takes 1.00 BDT less)",
}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans Bengali",sans-serif;
background:#eef2f5;color:#1d2630}
main{max-width:440px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:10px;padding:18px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.15rem;margin:0 0 4px}
.badge{display:inline-block;background:#ffd54f;color:#4a3b00;border-radius:4px;padding:1px 7px;
font-size:.8rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;margin:16px 0}
dt{color:#5b6875}dd{margin:0;word-break:break-all;font-weight:600}
.amount{font-size:1.6rem;font-weight:700;margin:8px 0 0}
label{display:block;margin:12px 0 4px;color:#5b6875}
select{width:100%;padding:10px;font-size:1rem;border:1px solid #b9c4ce;border-radius:6px;background:#fff}
.buttons{display:flex;flex-wrap:wrap;gap:8px;margin-top:16px}
button,a.button{flex:1 1 100px;padding:12px;font-size:1rem;border:0;border-radius:6px;cursor:pointer;
text-align:center;text-decoration:none}
#pay,#continue{background:#1b7f3b;color:#fff}#fail{background:#c62828;color:#fff}
#cancel,#retry{background:#e3e8ec;color:#1d2630}
.bn{color:#5b6875;font-size:.9rem}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><main><div class="card">{body}</div></main></body></html>'
    )


def payment_page(
    *,
    session_key: str,
    store_id: str,
    tran_id: str,
    amount: str,
    currency: str,
    product_name: str,
    attempts_failed: int,
) -> str:
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value == "normal" else ""}>{escape(label)}</option>'
        for value, label in SCENARIOS.items()
    )
    retry = (
        f'<p id="failed-before">Previous attempts failed: {attempts_failed}. You may try again.</p>'
        if attempts_failed
        else ""
    )
    body = f"""
<h1>SSLCommerz sandbox <span class="badge">TEST</span></h1>
<p class="bn" lang="bn">এটি পরীক্ষামূলক পেমেন্ট পাতা — কোনো টাকা কাটা হবে না।</p>
<p class="amount" id="amount">{escape(amount)} {escape(currency)}</p>
<dl>
<dt>Merchant</dt><dd id="store-id">{escape(store_id)}</dd>
<dt>Transaction</dt><dd id="tran-id">{escape(tran_id)}</dd>
<dt>For</dt><dd>{escape(product_name)}</dd>
</dl>
{retry}
<form method="post" action="/gwprocess/v4/pay" id="payment-form">
<input type="hidden" name="SESSIONKEY" value="{escape(session_key)}">
<label for="scenario">Simulation</label>
<select id="scenario" name="scenario">{options}</select>
<div class="buttons">
<button type="submit" id="pay" name="action" value="pay">Pay</button>
<button type="submit" id="fail" name="action" value="fail">Fail</button>
<button type="submit" id="cancel" name="action" value="cancel">Cancel</button>
</div>
</form>"""
    return _page("SSLCommerz sandbox payment", body)


def redirect_page(*, action_url: str, fields: dict[str, str], status: str, retry_url: str | None) -> str:
    """What SSLCommerz does after a payment attempt: the browser posts the signed fields to the merchant."""
    inputs = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )
    retry = f'<a class="button" id="retry" href="{escape(retry_url)}">Try again</a>' if retry_url else ""
    body = f"""
<h1>Payment {escape(status)}</h1>
<p>Returning to the merchant… <span class="bn" lang="bn">বিক্রেতার সাইটে ফেরত যাওয়া হচ্ছে…</span></p>
<form method="post" action="{escape(action_url)}" id="redirect-form">{inputs}
<div class="buttons"><button type="submit" id="continue">Continue</button>{retry}</div>
</form>
<script>document.getElementById("redirect-form").submit();</script>"""
    return _page(f"Payment {status}", body)


def error_page(*, title: str, message: str) -> str:
    return _page(title, f'<h1 id="error">{escape(title)}</h1><p>{escape(message)}</p>')
