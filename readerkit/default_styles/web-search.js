// The search page: Pagefind's index (pagefind/, built into the site) queried in the browser.
// Result addresses are made relative to this page, so the site works in any sub-folder.
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const input = document.getElementById("search-q");
const query = new URLSearchParams(window.location.search).get("q") || "";
input.value = query;

function relative(url) {
  return url.replace(/^\/+/, "");
}

async function run() {
  if (window.location.protocol === "file:") {
    status.textContent = "Search works when the reader is on a web server (the course site, "
      + "any static host, or build.py serve); opened from a file, use the contents and the "
      + "glossary, or your browser’s Find.";
    return;
  }
  if (!query.trim()) {
    status.textContent = "Type words to find in the reader.";
    return;
  }
  status.textContent = "Searching…";
  const pagefind = await import("./pagefind/pagefind.js");
  await pagefind.options({ baseUrl: "/" });
  const search = await pagefind.search(query);
  const results = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = relative(result.url);
    link.textContent = (result.meta && result.meta.title) || result.url;
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.innerHTML = result.excerpt; // Pagefind escapes the text and adds <mark> only
    item.append(link, excerpt);
    list.append(item);
  }
  status.textContent = results.length
    ? `${results.length} page${results.length === 1 ? "" : "s"} found for “${query}”.`
    : `Nothing found for “${query}”.`;
}

run().catch((error) => {
  status.textContent = "Search could not load its index: " + error.message;
});
