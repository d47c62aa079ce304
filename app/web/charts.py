"""Server-made SVG charts: no script, no CDN; each bar carries its number as text and as data-*."""
from markupsafe import Markup, escape


def _svg(width, height, label, body):
    return Markup('<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>%s</svg>'
                  % (width, height, escape(label), escape(label), body))


def histogram_svg(bins, label):
    """bins: [(low, high, count)] -> vertical bars, count above each, range below."""
    width, height, pad, base = 600, 240, 30, 200
    top = max([c for _, _, c in bins] + [1])
    step = (width - 2 * pad) / max(len(bins), 1)
    parts = ['<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>' % (pad, base, width - pad, base)]
    for i, (low, high, count) in enumerate(bins):
        h = (base - 20) * count / top
        x = pad + i * step
        parts.append('<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-low="%g" data-high="%g" '
                     'data-count="%d"><title>%g–%g: %d</title></rect>'
                     % (x + 2, base - h, step - 4, h, low, high, count, low, high, count))
        parts.append('<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>' % (x + step / 2, base - h - 4, count))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (x + step / 2, base + 16, low))
    parts.append('<text x="%d" y="%d" text-anchor="end">score</text>' % (width - pad, base + 34))
    return _svg(width, height, label, ''.join(parts))


def pass_rate_svg(rows, label):
    """rows: [(check_id, component, passed, total)] -> horizontal bars, most failed first."""
    row_h, left, width = 18, 300, 700
    height = max(1, len(rows)) * row_h + 10
    parts = []
    for i, (check_id, _, passed, total) in enumerate(rows):
        rate = passed / total if total else 0.0
        y = 5 + i * row_h
        parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + 12, escape(check_id)))
        parts.append('<rect class="bar%s" x="%d" y="%d" width="%.1f" height="%d" data-check="%s" data-passed="%d" '
                     'data-total="%d"><title>%s: %d of %d passed</title></rect>'
                     % (' low' if rate < 0.5 else '', left, y + 2, (width - left - 100) * rate, row_h - 4,
                        escape(check_id), passed, total, escape(check_id), passed, total))
        parts.append('<text x="%.1f" y="%d">%d%% (%d/%d)</text>'
                     % (left + (width - left - 100) * rate + 4, y + 12, round(100 * rate), passed, total))
    return _svg(width, height, label, ''.join(parts))


def timeline_svg(points, due_index, label):
    """points: [(hour start, count)] -> columns per hour with the due date marked."""
    width, height, pad, base = 720, 200, 30, 160
    top = max([c for _, c in points] + [1])
    step = (width - 2 * pad) / max(len(points), 1)
    parts = ['<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>' % (pad, base, width - pad, base)]
    for i, (start, count) in enumerate(points):
        h = (base - 20) * count / top
        parts.append('<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-hour="%s" data-count="%d">'
                     '<title>%s: %d</title></rect>' % (pad + i * step, base - h, max(step - 1, 1), h,
                                                       start.strftime('%Y-%m-%dT%H'), count,
                                                       start.strftime('%d %b %H:00'), count))
        if i % 12 == 0:
            parts.append('<text x="%.1f" y="%d">%s</text>' % (pad + i * step, base + 16, start.strftime('%d %b %H:00')))
    x = pad + due_index * step
    parts.append('<line class="due" x1="%.1f" y1="10" x2="%.1f" y2="%d"/><text x="%.1f" y="12">due</text>'
                 % (x, x, base, x + 3))
    return _svg(width, height, label, ''.join(parts))
