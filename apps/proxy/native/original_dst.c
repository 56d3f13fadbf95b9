// getsockopt(SO_ORIGINAL_DST): the address a connection was sent to before iptables' nat REDIRECT rewrote it to
// the proxy's port (IPv4: SOL_IP; IPv6: SOL_IPV6 IP6T_SO_ORIGINAL_DST, both read conntrack). Plain C N-API, no
// dependency: `originalDst(fd)` → { family: 4 | 6, address, port } | null (no conntrack entry), or throws with
// the errno's code.
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST 80 /* linux/netfilter_ipv4.h */
#endif
#ifndef IP6T_SO_ORIGINAL_DST
#define IP6T_SO_ORIGINAL_DST 80 /* linux/netfilter_ipv6/ip6_tables.h */
#endif

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == ENOPROTOOPT ? "ENOPROTOOPT" : err == EBADF ? "EBADF" : err == ENOTSOCK ? "ENOTSOCK" : "EORIGDST", msg);
  return NULL;
}

static napi_value result(napi_env env, int family, const char *address, unsigned port) {
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_uint32(env, family, &v);
  napi_set_named_property(env, obj, "family", v);
  napi_create_string_utf8(env, address, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "address", v);
  napi_create_uint32(env, port, &v);
  napi_set_named_property(env, obj, "port", v);
  return obj;
}

static napi_value original_dst(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "originalDst(fd): fd must be a non-negative integer");
    return NULL;
  }
  struct sockaddr_storage local;
  socklen_t len = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &len) != 0) return throw_errno(env, errno, "getsockname");
  char text[INET6_ADDRSTRLEN];
  napi_value null_value;
  napi_get_null(env, &null_value);

  int v4 = local.ss_family == AF_INET;
  if (local.ss_family == AF_INET6) {
    // An IPv4 client on a dual-stack socket: its conntrack entry is IPv4, asked at SOL_IP.
    v4 = IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&local)->sin6_addr);
  } else if (local.ss_family != AF_INET) {
    napi_throw_error(env, "EAFNOSUPPORT", "originalDst: not an IP socket");
    return NULL;
  }
  if (v4) {
    struct sockaddr_in dst;
    socklen_t dlen = sizeof dst;
    memset(&dst, 0, sizeof dst);
    if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &dst, &dlen) != 0)
      return errno == ENOENT ? null_value : throw_errno(env, errno, "getsockopt(SO_ORIGINAL_DST)");
    inet_ntop(AF_INET, &dst.sin_addr, text, sizeof text);
    return result(env, 4, text, ntohs(dst.sin_port));
  }
  struct sockaddr_in6 dst6;
  socklen_t dlen6 = sizeof dst6;
  memset(&dst6, 0, sizeof dst6);
  if (getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &dst6, &dlen6) != 0)
    return errno == ENOENT ? null_value : throw_errno(env, errno, "getsockopt(IP6T_SO_ORIGINAL_DST)");
  inet_ntop(AF_INET6, &dst6.sin6_addr, text, sizeof text);
  return result(env, 6, text, ntohs(dst6.sin6_port));
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "originalDst", NAPI_AUTO_LENGTH, original_dst, NULL, &fn);
  napi_set_named_property(env, exports, "originalDst", fn);
  return exports;
}
