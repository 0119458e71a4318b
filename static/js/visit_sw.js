// Service worker for the visit pages (scope /visits/), so an inspector at a school without a
// connection can reload the visit record form. visit_form.js restores what was typed from
// localStorage; this worker only makes sure the page and its assets load.
//
// - The edit page of a draft (/visits/<id>/edit/): network first; each good answer is kept, and
//   the kept copy answers only when the network fails. Once the server no longer shows the
//   form (the visit was submitted, discarded, or is out of reach) the kept copy is deleted.
// - Static assets (/static/...): answered from the cache when there, refreshed in the background.
// - Everything else (POSTs, autosave, photos, other pages) goes to the network untouched.
"use strict";

const CACHE = "dudao-visits-v1";
const EDIT_PAGE = /\/visits\/\d+\/edit\/$/;

const isEditPage = (url) => url.origin === self.location.origin && EDIT_PAGE.test(url.pathname);
const isStatic = (url) =>
  url.origin === self.location.origin && url.pathname.startsWith("/static/");

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("dudao-") && name !== CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

async function editPage(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = await cache.match(request.url, { ignoreVary: true });
    if (kept) {
      return kept;
    }
    throw error;
  }
  if (response.ok && !response.redirected) {
    await cache.put(request.url, response.clone());
  } else {
    await cache.delete(request.url, { ignoreVary: true });
  }
  return response;
}

async function staticAsset(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request.url, { ignoreVary: true });
  const fresh = fetch(request).then(async (response) => {
    if (response.ok) {
      await cache.put(request.url, response.clone());
    }
    return response;
  });
  if (kept) {
    fresh.catch(() => undefined);
    return kept;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (request.mode === "navigate" && isEditPage(url)) {
    event.respondWith(editPage(request));
  } else if (isStatic(url)) {
    event.respondWith(staticAsset(request));
  }
});

// The page that registered the worker was loaded before the worker ran: it sends its own
// address and assets so they are kept from the first visit on.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    Promise.all(
      urls.map((address) => {
        const url = new URL(address, self.location.href);
        if (isEditPage(url)) {
          const request = new Request(url.href, { credentials: "same-origin" });
          return editPage(request).catch(() => undefined);
        }
        if (isStatic(url)) {
          return staticAsset(new Request(url.href)).catch(() => undefined);
        }
        return undefined;
      })
    )
  );
});
