// A dependency-free SVG chart for bench/bench.ts: per operation, grouped bars per
// gateway — gateway CPU ms per request (left panel) and req/s (right panel) at the
// largest client count measured.
export interface ChartPoint { gateway: string; op: string; clients: number; rps: number; cpu: number }

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(points: ChartPoint[], clients: number[], caption: string): string {
  const at = Math.max(...clients);
  const ps = points.filter((p) => p.clients === at);
  const ops = [...new Set(ps.map((p) => p.op))];
  const gws = [...new Set(ps.map((p) => p.gateway))];
  const W = 900, H = 380, panelW = 400, top = 50, plotH = 240, barW = Math.max(8, Math.floor(90 / Math.max(1, gws.length)));
  const panel = (x0: number, title: string, value: (p: ChartPoint) => number, unit: string) => {
    const max = Math.max(1e-9, ...ps.map(value));
    const groupW = panelW / Math.max(1, ops.length);
    let out = `<text x="${x0 + panelW / 2}" y="${top - 15}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`;
    out += `<line x1="${x0}" y1="${top + plotH}" x2="${x0 + panelW}" y2="${top + plotH}" stroke="#333"/>`;
    ops.forEach((op, oi) => {
      const gx = x0 + oi * groupW + (groupW - barW * gws.length) / 2;
      gws.forEach((g, gi) => {
        const p = ps.find((q) => q.op === op && q.gateway === g);
        if (!p) return;
        const h = (value(p) / max) * (plotH - 20);
        const x = gx + gi * barW;
        out += `<rect x="${x}" y="${top + plotH - h}" width="${barW - 2}" height="${h}" fill="${COLORS[gi % COLORS.length]}"><title>${esc(`${g}, ${op}: ${value(p).toFixed(2)} ${unit}`)}</title></rect>`;
        out += `<text x="${x + (barW - 2) / 2}" y="${top + plotH - h - 3}" text-anchor="middle" font-size="9">${value(p).toFixed(value(p) < 10 ? 1 : 0)}</text>`;
      });
      out += `<text x="${x0 + oi * groupW + groupW / 2}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${esc(op)}</text>`;
    });
    return out;
  };
  const legend = gws.map((g, i) => `<rect x="${40 + i * 140}" y="${H - 40}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${58 + i * 140}" y="${H - 30}" font-size="12">${esc(g)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
${panel(30, `gateway CPU ms per request, ${at} clients (lower is better)`, (p) => p.cpu, 'ms')}
${panel(470, `requests per second, ${at} clients (higher is better)`, (p) => p.rps, 'req/s')}
${legend}
<text x="${W - 10}" y="${H - 10}" text-anchor="end" font-size="9" fill="#555">${esc(caption)}</text>
</svg>
`;
}
