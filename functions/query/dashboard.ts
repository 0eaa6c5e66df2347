/** The dashboard page (GET /): no build step, no CDN; it reads the same JSON API. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sanctions-radar</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1f24}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:right;border-bottom:1px solid #ddd}td:first-child,th:first-child{text-align:left}
</style></head>
<body>
<h1>sanctions-radar</h1>
<h2 id="c-h">Counts by country</h2>
<table aria-labelledby="c-h"><thead><tr><th scope="col">Country</th><th scope="col">Listed entities</th><th scope="col">Articles</th><th scope="col">Mentions</th></tr></thead><tbody id="countries"></tbody></table>
<script>
fetch('counts/countries?limit=50').then(r => r.json()).then(d => {
  const tb = document.getElementById('countries');
  for (const i of d.items) {
    const tr = document.createElement('tr');
    for (const v of [i.name + ' (' + i.country + ')', i.listedEntities, i.articles, i.mentions]) {
      const td = document.createElement('td'); td.textContent = String(v); tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
});
</script>
</body></html>`;
