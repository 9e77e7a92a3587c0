"""axe-core (package.json, installed into node_modules/ by `make setup`) in a Playwright page: the WCAG 2.1
A and AA rules and axe's best practices (heading-order, landmarks, region among them), of any impact.

    from tests.a11y import assert_no_violations, axe_violations
    page.goto(url)
    assert_no_violations(page, "home, Bangla, phone")
    axe_violations(page, context={"exclude": [["#map .leaflet-tile-pane"]]})  # -> [{"id": ..., ...}]
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Runs in the page: axe's result reduced to what a failing test prints. A node's target is a list of
# selectors, one per frame or shadow root it sits in.
RUN_AXE = """async ([context, options]) => {
  const result = await axe.run(context === null ? document : context, options);
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    help_url: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => (Array.isArray(t) ? t.join(" ") : t)).join(" >>> "),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}"""


def axe_violations(page, *, context=None) -> list[dict]:
    """axe's violations on the page as it is now: dicts of id, impact, help, help_url, targets (a selector
    per node) and nodes (target, html, summary). ``context`` is axe's: a selector, or
    ``{"include": [...], "exclude": [...]}``; None is the whole document."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE.relative_to(ROOT)} is missing: run `make setup` (npm ci: package.json)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    violations = page.evaluate(RUN_AXE, [context, options])
    for violation in violations:
        violation["targets"] = [node["target"] for node in violation["nodes"]]
    return violations


def describe(violations: list[dict]) -> str:
    """One paragraph per violation: rule, impact, what it asks, and each node's selector and HTML."""
    lines = []
    for violation in violations:
        rule, impact = violation["id"], violation["impact"]
        lines.append(f"{rule} ({impact}): {violation['help']} <{violation['help_url']}>")
        for node in violation["nodes"]:
            html = node["html"] if len(node["html"]) <= 200 else node["html"][:199] + "…"
            lines.append(f"    {node['target']}  {html}")
            if node["summary"]:
                lines.extend(f"        {line}" for line in node["summary"].splitlines() if line.strip())
    return "\n".join(lines)


def assert_no_violations(page, label: str, *, context=None) -> None:
    """Fails, listing every violation readably, unless axe finds none of any impact."""
    violations = axe_violations(page, context=context)
    assert not violations, (
        f"axe: {len(violations)} rule(s) violated on {label} ({page.url}):\n{describe(violations)}"
    )
