/* The phone app's service worker (served from /m/sw.js, so its scope is /m/).
   The server fills in the shell's version, its URLs and the local Workbox folder. */
"use strict";

importScripts("__WORKBOX__workbox-sw.js");
workbox.setConfig({ modulePathPrefix: "__WORKBOX__", debug: false });

const SHELL_CACHE = "zongzhi-m-shell-__SHELL_VERSION__";
const DATA_CACHE = "zongzhi-m-data";
const SHELL_URLS = "__SHELL_URLS__";
const DATA_URLS = ["/m/api/session", "/m/api/tasks", "/m/api/forms"];

/* Keep only real answers: never a redirect to the login page, never an error page. */
const onlyReal = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected ? response : null,
};

async function fill(cacheName, urls) {
  const cache = await caches.open(cacheName);
  await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (response.ok && !response.redirected) await cache.put(url, response);
      } catch (error) {
        /* offline while installing: the page will fill it on its next visit */
      }
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([fill(SHELL_CACHE, SHELL_URLS), fill(DATA_CACHE, DATA_URLS)]).then(() =>
      self.skipWaiting(),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("zongzhi-m-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

const { registerRoute } = workbox.routing;
const { NetworkFirst, StaleWhileRevalidate } = workbox.strategies;

registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.pathname.startsWith("/m/"),
  new NetworkFirst({
    cacheName: SHELL_CACHE,
    networkTimeoutSeconds: 5,
    plugins: [onlyReal],
    matchOptions: { ignoreSearch: true },
  }),
);

registerRoute(
  ({ request, url }) => request.method === "GET" && url.pathname.startsWith("/m/api/"),
  new NetworkFirst({ cacheName: DATA_CACHE, networkTimeoutSeconds: 5, plugins: [onlyReal] }),
);

registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("/static/"),
  new StaleWhileRevalidate({ cacheName: SHELL_CACHE, plugins: [onlyReal] }),
);
