// Preload (`node --import`) for the linkinator runs: caps connections per origin at $BENCH_PER_HOST.
// Why: linkinator 7.6.1 starts every link check the moment it finds the link and only queues the promise, so its
// `--concurrency N` does not bound the requests in flight (measured: 490 in flight with --concurrency 4). Its
// requests go through Node's fetch, whose global dispatcher we replace with an undici Agent holding at most N
// connections per origin (no pipelining): the same per-host politeness limit gongkai's `crawl.concurrency` sets.
import { Agent, setGlobalDispatcher } from "undici";

const perHost = Number(process.env.BENCH_PER_HOST ?? 0);

/**
 * An Agent that keeps the process alive while a request is open. Node's own fetch does; the npm undici Agent does
 * not, and a linkinator run whose last open request is a URL that never answers then ends early with exit 13
 * (unsettled top-level await) instead of waiting for its timeout like it does without the cap.
 */
class KeepAliveAgent extends Agent {
  #open = 0;
  #handle;
  dispatch(opts, handler) {
    if (this.#open++ === 0) this.#handle = setInterval(() => {}, 1 << 30);
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      if (--this.#open === 0) clearInterval(this.#handle);
    };
    const ends = new Set(["onComplete", "onError", "onResponseEnd", "onResponseError"]);
    const wrapped = new Proxy(handler, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (ends.has(prop))
          return (...args) => {
            end();
            return v.apply(target, args);
          };
        return v.bind(target);
      },
    });
    try {
      return super.dispatch(opts, wrapped);
    } catch (e) {
      end();
      throw e;
    }
  }
}

if (perHost > 0) setGlobalDispatcher(new KeepAliveAgent({ connections: perHost, pipelining: 1 }));

// linkinator 7.6.1's queue re-schedules an item whose timer fired a moment early only from an unref'd 2.5 s
// interval; when that item is all that is left, Node finds nothing keeping it alive and ends the run with exit 13
// (unsettled top-level await), losing its results (seen at 5,000 pages, with and without the cap). Keeping the
// event loop alive lets that interval run; linkinator ends itself with process.exit when its check settles.
process.on("beforeExit", () => {
  setTimeout(() => {}, 250);
});

