// The opaque TCP relay off the JS stream machinery: one thread per Node environment (started on first use) runs an
// edge-triggered epoll loop that copies bytes between the two sockets of each relayed connection. `relay` dup()s
// Node's fds (the duplicates share their file status flags, so they are nonblocking already) and Node then closes
// its own; JS reads live byte counts with `stats` and hears the outcome through one thread-safe function. Plain C
// N-API, no dependency. Semantics match src/tcp/forward.ts (the JS relay):
// - a FIN from one side, once the bytes before it are written, becomes shutdown(SHUT_WR) towards the other;
// - an error (reset) on one side resets the other (SO_LINGER 0, then close);
// - `close` from JS closes both at once, without a reset.
// Memory per connection is bounded: a direction that cannot write everything keeps the rest (at most one read,
// RELAY_CHUNK bytes) and stops reading its source until the destination drains (EPOLLOUT).
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_CHUNK (64 * 1024)
#define MAX_EVENTS 256

typedef struct conn conn_t;

/** One direction: bytes read from `src` are written to `dst`. */
typedef struct {
  int src, dst; /* indexes into conn->fd */
  char *pending; /* bytes read but not yet written (malloc'd), NULL when none */
  size_t pending_len, pending_off;
  int eof;  /* src sent FIN */
  int done; /* FIN passed on (shutdown(dst, SHUT_WR)) */
} direction_t;

/** The epoll registration of one socket; data.ptr points here. */
typedef struct {
  conn_t *conn;
  int side;
} side_ref_t;

struct conn {
  uint32_t id;
  int fd[2];
  int readable[2], writable[2];
  int peer_fin[2]; /* EPOLLRDHUP seen: a FIN waits in the queue, maybe behind data */
  int err[2]; /* errno seen on each socket, 0 when none */
  direction_t dir[2]; /* 0: fd[0] → fd[1], 1: fd[1] → fd[0] */
  side_ref_t ref[2];
  /* bytes read from / written to each socket; the relay thread writes, JS reads at any time */
  _Atomic uint64_t nread[2], nwritten[2];
  /* the relay thread's reference and JS's (the external); the last one frees */
  atomic_int refs;
  int finished;      /* relay thread only */
  int close_requested; /* relay thread only */
  conn_t *next_live; /* relay thread's list of live connections, for teardown */
  conn_t *prev_live;
};

typedef enum { CMD_ADD, CMD_CLOSE } cmd_kind_t;

typedef struct cmd {
  cmd_kind_t kind;
  conn_t *conn;
  struct cmd *next;
} cmd_t;

/** Sent to JS when a connection is over: who erred (errno) and the final byte counts. */
typedef struct {
  uint32_t id;
  int err[2];
  uint64_t nread[2], nwritten[2];
} done_t;

typedef struct {
  pthread_t thread;
  int started;
  int epfd, evfd;
  pthread_mutex_t lock;
  cmd_t *cmds_head, *cmds_tail;
  atomic_int stopping;
  napi_threadsafe_function tsfn;
  uint32_t next_id;
  uint32_t live_js; /* main thread only: connections JS has not heard the end of */
  conn_t *live;     /* relay thread only */
  conn_t *dead;     /* relay thread only: finished in this batch of events, released after it */
} relay_t;

static void conn_unref(conn_t *c) {
  if (atomic_fetch_sub(&c->refs, 1) != 1) return;
  for (int d = 0; d < 2; d++) free(c->dir[d].pending);
  free(c);
}

// === relay thread ===

static void live_remove(relay_t *r, conn_t *c) {
  if (c->prev_live) c->prev_live->next_live = c->next_live;
  else r->live = c->next_live;
  if (c->next_live) c->next_live->prev_live = c->prev_live;
  c->next_live = c->prev_live = NULL;
}

static void reset_close(int fd) {
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

/** Closes both sockets (resetting the one that did not err when the other did) and tells JS. */
static void finish(relay_t *r, conn_t *c) {
  if (c->finished) return;
  c->finished = 1;
  epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd[0], NULL);
  epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd[1], NULL);
  for (int s = 0; s < 2; s++) {
    if (c->err[1 - s] && !c->err[s]) reset_close(c->fd[s]);
    else close(c->fd[s]);
  }
  live_remove(r, c);
  done_t *d = malloc(sizeof *d);
  if (d) {
    d->id = c->id;
    for (int s = 0; s < 2; s++) {
      d->err[s] = c->err[s];
      d->nread[s] = atomic_load_explicit(&c->nread[s], memory_order_relaxed);
      d->nwritten[s] = atomic_load_explicit(&c->nwritten[s], memory_order_relaxed);
    }
    if (napi_call_threadsafe_function(r->tsfn, d, napi_tsfn_nonblocking) != napi_ok) free(d);
  }
  // Its other socket may still have an event in this batch: the reference goes once the batch is done.
  c->next_live = r->dead;
  r->dead = c;
}

static void fail(conn_t *c, int side, int err) {
  if (!c->err[0] && !c->err[1]) c->err[side] = err ? err : EIO;
}

/** Writes what `dir` has pending; 1 when all of it is out, 0 when it must wait (EPOLLOUT) or failed. */
static int flush(conn_t *c, direction_t *dir) {
  while (dir->pending) {
    if (!c->writable[dir->dst]) return 0;
    ssize_t n = send(c->fd[dir->dst], dir->pending + dir->pending_off, dir->pending_len - dir->pending_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        c->writable[dir->dst] = 0;
        return 0;
      }
      fail(c, dir->dst, errno);
      return 0;
    }
    atomic_fetch_add_explicit(&c->nwritten[dir->dst], (uint64_t)n, memory_order_relaxed);
    dir->pending_off += (size_t)n;
    if (dir->pending_off == dir->pending_len) {
      free(dir->pending);
      dir->pending = NULL;
      dir->pending_len = dir->pending_off = 0;
    }
  }
  return 1;
}

/** Moves bytes along one direction until a socket would block, the source ends, or something fails. */
static void pump(conn_t *c, direction_t *dir, char *scratch) {
  if (dir->done) return;
  for (;;) {
    if (!flush(c, dir) || c->err[0] || c->err[1]) return;
    if (dir->eof) {
      shutdown(c->fd[dir->dst], SHUT_WR);
      dir->done = 1;
      return;
    }
    if (!c->readable[dir->src]) return;
    ssize_t n = recv(c->fd[dir->src], scratch, RELAY_CHUNK, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) c->readable[dir->src] = 0;
      else fail(c, dir->src, errno);
      return;
    }
    if (n == 0) {
      dir->eof = 1;
      continue;
    }
    atomic_fetch_add_explicit(&c->nread[dir->src], (uint64_t)n, memory_order_relaxed);
    // Edge-triggered: a short read emptied the socket's queue and new bytes raise a new edge, unless a FIN is
    // queued behind them (its edge came with this batch): then only the read returning 0 ends the reading.
    if (n < RELAY_CHUNK && !c->peer_fin[dir->src]) c->readable[dir->src] = 0;
    ssize_t w = 0;
    if (c->writable[dir->dst]) {
      w = send(c->fd[dir->dst], scratch, (size_t)n, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          fail(c, dir->dst, errno);
          return;
        }
        if (errno != EINTR) c->writable[dir->dst] = 0;
        w = 0;
      }
      atomic_fetch_add_explicit(&c->nwritten[dir->dst], (uint64_t)w, memory_order_relaxed);
    }
    if (w < n) {
      dir->pending = malloc((size_t)(n - w));
      if (!dir->pending) {
        fail(c, dir->dst, ENOMEM);
        return;
      }
      memcpy(dir->pending, scratch + w, (size_t)(n - w));
      dir->pending_len = (size_t)(n - w);
      dir->pending_off = 0;
    }
  }
}

static void progress(relay_t *r, conn_t *c, char *scratch) {
  pump(c, &c->dir[0], scratch);
  pump(c, &c->dir[1], scratch);
  if (c->err[0] || c->err[1] || c->close_requested || (c->dir[0].done && c->dir[1].done)) finish(r, c);
}

/** A socket reported EPOLLERR: take its pending error (a reset while nothing was being read or written). */
static void take_error(conn_t *c, int side) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c->fd[side], SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) fail(c, side, err);
}

static void add(relay_t *r, conn_t *c, char *scratch) {
  c->next_live = r->live;
  if (r->live) r->live->prev_live = c;
  r->live = c;
  for (int s = 0; s < 2; s++) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = &c->ref[s]};
    if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, c->fd[s], &ev) != 0) fail(c, s, errno);
  }
  progress(r, c, scratch);
}

static cmd_t *take_cmds(relay_t *r) {
  pthread_mutex_lock(&r->lock);
  cmd_t *cmds = r->cmds_head;
  r->cmds_head = r->cmds_tail = NULL;
  pthread_mutex_unlock(&r->lock);
  return cmds;
}

static void *relay_main(void *arg) {
  relay_t *r = arg;
  char *scratch = malloc(RELAY_CHUNK);
  struct epoll_event events[MAX_EVENTS];
  while (scratch && !atomic_load(&r->stopping)) {
    int n = epoll_wait(r->epfd, events, MAX_EVENTS, -1);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; i++) {
      if (events[i].data.ptr == NULL) {
        uint64_t v;
        if (read(r->evfd, &v, sizeof v) < 0) { /* EAGAIN: another wake-up took it */ }
        for (cmd_t *cmd = take_cmds(r), *next; cmd; cmd = next) {
          next = cmd->next;
          if (cmd->kind == CMD_ADD) add(r, cmd->conn, scratch);
          else if (!cmd->conn->finished) {
            cmd->conn->close_requested = 1;
            finish(r, cmd->conn);
          }
          if (cmd->kind == CMD_CLOSE) conn_unref(cmd->conn);
          free(cmd);
        }
        continue;
      }
      side_ref_t *ref = events[i].data.ptr;
      conn_t *c = ref->conn;
      if (c->finished) continue; /* both its sockets fired in this batch */
      uint32_t e = events[i].events;
      if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->readable[ref->side] = 1;
      if (e & (EPOLLRDHUP | EPOLLHUP)) c->peer_fin[ref->side] = 1;
      if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) c->writable[ref->side] = 1;
      if (e & EPOLLERR) take_error(c, ref->side);
      progress(r, c, scratch);
    }
    for (conn_t *c = r->dead, *next; c; c = next) {
      next = c->next_live;
      conn_unref(c);
    }
    r->dead = NULL;
  }
  free(scratch);
  return NULL;
}

// === JS side (main thread) ===

static void set_number(napi_env env, napi_value obj, const char *name, double v) {
  napi_value n;
  napi_create_double(env, v, &n);
  napi_set_named_property(env, obj, name, n);
}

/** Runs on the main thread: `onDone(id, errnoA, errnoB, readA, writtenA, readB, writtenB)`. */
static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  relay_t *r = context;
  done_t *d = data;
  if (env && js_cb) {
    napi_value argv[7], undefined;
    napi_create_uint32(env, d->id, &argv[0]);
    napi_create_int32(env, d->err[0], &argv[1]);
    napi_create_int32(env, d->err[1], &argv[2]);
    napi_create_double(env, (double)d->nread[0], &argv[3]);
    napi_create_double(env, (double)d->nwritten[0], &argv[4]);
    napi_create_double(env, (double)d->nread[1], &argv[5]);
    napi_create_double(env, (double)d->nwritten[1], &argv[6]);
    napi_get_undefined(env, &undefined);
    if (--r->live_js == 0) napi_unref_threadsafe_function(env, r->tsfn);
    napi_call_function(env, undefined, js_cb, 7, argv, NULL);
  }
  free(d);
}

static void enqueue(relay_t *r, cmd_kind_t kind, conn_t *c) {
  cmd_t *cmd = malloc(sizeof *cmd);
  if (!cmd) abort(); /* a lost ADD would leak two sockets and never tell JS */
  cmd->kind = kind;
  cmd->conn = c;
  cmd->next = NULL;
  pthread_mutex_lock(&r->lock);
  if (r->cmds_tail) r->cmds_tail->next = cmd;
  else r->cmds_head = cmd;
  r->cmds_tail = cmd;
  pthread_mutex_unlock(&r->lock);
  uint64_t one = 1;
  if (write(r->evfd, &one, sizeof one) < 0) { /* the counter is already non-zero: the thread will wake */ }
}

static napi_value throw_relay(napi_env env, const char *what) {
  napi_throw_error(env, "ERELAY", what);
  return NULL;
}

static void teardown(void *arg);

static int start_thread(napi_env env, relay_t *r, napi_value on_done) {
  r->epfd = epoll_create1(EPOLL_CLOEXEC);
  r->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (r->epfd < 0 || r->evfd < 0) return 0;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  napi_value name;
  napi_create_string_utf8(env, "signalbox-relay", NAPI_AUTO_LENGTH, &name);
  if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->evfd, &ev) != 0 ||
      napi_create_threadsafe_function(env, on_done, NULL, name, 0, 1, NULL, NULL, r, call_js, &r->tsfn) != napi_ok) {
    close(r->epfd);
    close(r->evfd);
    r->epfd = r->evfd = -1;
    return 0;
  }
  napi_unref_threadsafe_function(env, r->tsfn);
  // Cleanup hooks run last-added first: ours must stop the thread before the thread-safe function's own hook frees
  // it, or a completion posted during teardown would touch freed memory.
  napi_remove_env_cleanup_hook(env, teardown, r);
  napi_add_env_cleanup_hook(env, teardown, r);
  if (pthread_create(&r->thread, NULL, relay_main, r) != 0) {
    napi_release_threadsafe_function(r->tsfn, napi_tsfn_abort);
    close(r->epfd);
    close(r->evfd);
    r->epfd = r->evfd = -1;
    return 0;
  }
  r->started = 1;
  return 1;
}

static void conn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  conn_unref(data);
}

static int buffer_arg(napi_env env, napi_value v, void **data, size_t *len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_undefined || t == napi_null) {
    *data = NULL;
    *len = 0;
    return 1;
  }
  return napi_get_buffer_info(env, v, data, len) == napi_ok;
}

/**
 * relay(fdA, fdB, toB?, toA?, onDone) → [id, handle]: dup()s fdA and fdB (two connected nonblocking sockets, which
 * the caller then closes) and relays between the duplicates; `toB`/`toA` are bytes already read from A/B, written first. `onDone` is
 * the same function on every call (the first one is kept).
 */
static napi_value relay(napi_env env, napi_callback_info info) {
  relay_t *r;
  napi_get_instance_data(env, (void **)&r);
  size_t argc = 5;
  napi_value argv[5];
  int32_t fds[2];
  void *first[2];
  size_t first_len[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 ||
      napi_get_value_int32(env, argv[0], &fds[0]) != napi_ok || napi_get_value_int32(env, argv[1], &fds[1]) != napi_ok ||
      fds[0] < 0 || fds[1] < 0 || !buffer_arg(env, argv[2], &first[0], &first_len[0]) ||
      !buffer_arg(env, argv[3], &first[1], &first_len[1])) {
    napi_throw_type_error(env, NULL, "relay(fdA, fdB, toB?, toA?, onDone): bad arguments");
    return NULL;
  }
  if (!r->started && !start_thread(env, r, argv[4])) return throw_relay(env, "relay: could not start the relay thread");
  conn_t *c = calloc(1, sizeof *c);
  if (!c) return throw_relay(env, "relay: out of memory");
  atomic_init(&c->refs, 1);
  c->fd[0] = c->fd[1] = -1;
  for (int s = 0; s < 2; s++) {
    c->fd[s] = fcntl(fds[s], F_DUPFD_CLOEXEC, 0);
    if (c->fd[s] < 0) {
      if (s == 1) close(c->fd[0]);
      conn_unref(c);
      return throw_relay(env, "relay: dup failed");
    }
  }
  c->id = ++r->next_id;
  for (int s = 0; s < 2; s++) {
    c->readable[s] = c->writable[s] = 1;
    c->ref[s].conn = c;
    c->ref[s].side = s;
    direction_t *dir = &c->dir[s];
    dir->src = s;
    dir->dst = 1 - s;
    if (first_len[s] > 0) {
      dir->pending = malloc(first_len[s]);
      if (!dir->pending) {
        close(c->fd[0]);
        close(c->fd[1]);
        conn_unref(c);
        return throw_relay(env, "relay: out of memory");
      }
      memcpy(dir->pending, first[s], first_len[s]);
      dir->pending_len = first_len[s];
    }
  }
  napi_value handle, id, out;
  if (napi_create_external(env, c, conn_finalize, NULL, &handle) != napi_ok) {
    close(c->fd[0]);
    close(c->fd[1]);
    conn_unref(c);
    return throw_relay(env, "relay: could not wrap the connection");
  }
  atomic_fetch_add(&c->refs, 1); /* the relay thread's */
  if (r->live_js++ == 0) napi_ref_threadsafe_function(env, r->tsfn);
  enqueue(r, CMD_ADD, c);
  napi_create_uint32(env, c->id, &id);
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, id);
  napi_set_element(env, out, 1, handle);
  return out;
}

static conn_t *conn_arg(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  void *c = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      napi_get_value_external(env, argv[0], &c) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a relay handle");
    return NULL;
  }
  return c;
}

/** close(handle): closes both sockets (no reset); onDone follows. A finished connection is left alone. */
static napi_value relay_close(napi_env env, napi_callback_info info) {
  relay_t *r;
  napi_get_instance_data(env, (void **)&r);
  napi_value argv[1];
  conn_t *c = conn_arg(env, info, 1, argv);
  if (!c) return NULL;
  atomic_fetch_add(&c->refs, 1); /* the command's own: JS may drop the handle before the thread reads it */
  enqueue(r, CMD_CLOSE, c);
  return NULL;
}

/** stats(handle, out: Float64Array(4)): live [readA, writtenA, readB, writtenB]. */
static napi_value relay_stats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  conn_t *c = conn_arg(env, info, 2, argv);
  if (!c) return NULL;
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array || length < 4) {
    napi_throw_type_error(env, NULL, "stats(handle, out): out must be a Float64Array(4)");
    return NULL;
  }
  double *out = data;
  out[0] = (double)atomic_load_explicit(&c->nread[0], memory_order_relaxed);
  out[1] = (double)atomic_load_explicit(&c->nwritten[0], memory_order_relaxed);
  out[2] = (double)atomic_load_explicit(&c->nread[1], memory_order_relaxed);
  out[3] = (double)atomic_load_explicit(&c->nwritten[1], memory_order_relaxed);
  return NULL;
}

/** The environment is going away (process exit, a worker ending): stop the thread, close what is still open. */
static void teardown(void *arg) {
  relay_t *r = arg;
  if (r->started) {
    atomic_store(&r->stopping, 1);
    uint64_t one = 1;
    if (write(r->evfd, &one, sizeof one) < 0) { /* already signalled */ }
    pthread_join(r->thread, NULL);
    for (cmd_t *cmd = take_cmds(r), *next; cmd; cmd = next) {
      next = cmd->next;
      if (cmd->kind == CMD_ADD) {
        close(cmd->conn->fd[0]);
        close(cmd->conn->fd[1]);
      }
      conn_unref(cmd->conn);
      free(cmd);
    }
    for (conn_t *c = r->live, *next; c; c = next) {
      next = c->next_live;
      close(c->fd[0]);
      close(c->fd[1]);
      conn_unref(c);
    }
    close(r->epfd);
    close(r->evfd);
  }
  pthread_mutex_destroy(&r->lock);
  free(r);
}

static napi_value init(napi_env env, napi_value exports) {
  relay_t *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->epfd = r->evfd = -1;
  pthread_mutex_init(&r->lock, NULL);
  napi_set_instance_data(env, r, NULL, NULL); /* freed by the cleanup hook */
  napi_add_env_cleanup_hook(env, teardown, r);
  napi_property_descriptor props[] = {
      {"relay", NULL, relay, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, relay_close, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, relay_stats, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 3, props);
  set_number(env, exports, "chunkBytes", RELAY_CHUNK);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
