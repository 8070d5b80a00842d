//! Where the server may send requests on an organisation's behalf (webhooks): never into the
//! platform's own networks. An organisation admin chooses the URL, so without this rule the
//! server would be a proxy into loopback, the cloud metadata service (169.254.169.254) and
//! private networks (SSRF).
//!
//! The rule, in one place:
//! - the scheme is `https`, except for hosts on the server's allow-list (`--webhook-allow`);
//! - every address the host is or resolves to must be a public unicast address: one table
//!   ([`V4_RULES`], [`V6_RULES`]) names the refused special-purpose ranges of the IANA registries,
//!   and IPv4 addresses embedded in IPv6 (mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96`, 6to4
//!   `2002::/16`) are judged as the IPv4 address they carry;
//! - hosts on the allow-list may use `http` and any address (on-premises receivers, tests).
//!
//! The rule is checked at registration and again at every delivery. A literal address is judged
//! before the request; a host name is judged inside the HTTP client's resolver
//! ([`GuardedResolver`]), so the addresses judged are exactly the addresses connected to: a DNS
//! answer that changes between a check and the connection (rebinding) cannot slip through.
//! Redirects are never followed and proxies are never used (a proxy would resolve the name
//! itself, out of reach of the check).

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Why a destination is refused. Each has a rule code for problem+json and a text in Japanese
/// and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// `http://` to a host outside the allow-list.
    HttpsRequired,
    Loopback,
    /// RFC 1918, IPv6 unique-local (fc00::/7), deprecated site-local, local-use NAT64.
    Private,
    LinkLocal,
    Unspecified,
    Multicast,
    Broadcast,
    /// Carrier-grade NAT, 100.64.0.0/10 (RFC 6598).
    Shared,
    Documentation,
    Benchmarking,
    /// Other special-purpose or not globally routed space.
    Reserved,
    /// The host name has no address.
    Unresolvable,
}

impl Refusal {
    /// The rule code named in the problem+json error.
    pub fn rule(self) -> &'static str {
        match self {
            Refusal::HttpsRequired => "https_required",
            Refusal::Loopback => "loopback_address",
            Refusal::Private => "private_address",
            Refusal::LinkLocal => "link_local_address",
            Refusal::Unspecified => "unspecified_address",
            Refusal::Multicast => "multicast_address",
            Refusal::Broadcast => "broadcast_address",
            Refusal::Shared => "shared_address",
            Refusal::Documentation => "documentation_address",
            Refusal::Benchmarking => "benchmarking_address",
            Refusal::Reserved => "reserved_address",
            Refusal::Unresolvable => "unresolvable",
        }
    }

    /// What kind of address it is (for the messages).
    fn kind(self) -> (&'static str, &'static str) {
        match self {
            Refusal::Loopback => (
                "ループバックアドレス（127.0.0.0/8、::1）",
                "loopback address (127.0.0.0/8, ::1)",
            ),
            Refusal::Private => (
                "プライベートアドレス（10/8、172.16/12、192.168/16、fc00::/7 など）",
                "private address (10/8, 172.16/12, 192.168/16, fc00::/7 and the like)",
            ),
            Refusal::LinkLocal => (
                "リンクローカルアドレス（169.254.0.0/16、fe80::/10）",
                "link-local address (169.254.0.0/16, fe80::/10)",
            ),
            Refusal::Unspecified => (
                "未指定アドレス（0.0.0.0/8、::）",
                "unspecified address (0.0.0.0/8, ::)",
            ),
            Refusal::Multicast => ("マルチキャストアドレス", "multicast address"),
            Refusal::Broadcast => ("ブロードキャストアドレス", "broadcast address"),
            Refusal::Shared => (
                "キャリアグレードNAT用の共有アドレス（100.64.0.0/10）",
                "carrier-grade NAT shared address (100.64.0.0/10)",
            ),
            Refusal::Documentation => ("文書用のアドレス", "documentation address"),
            Refusal::Benchmarking => ("ベンチマーク用のアドレス", "benchmarking address"),
            Refusal::Reserved => (
                "予約済み・特殊用途のアドレス",
                "reserved or special-purpose address",
            ),
            Refusal::HttpsRequired | Refusal::Unresolvable => ("", ""),
        }
    }

    /// The message in Japanese and English.
    pub fn messages(self) -> (String, String) {
        match self {
            Refusal::HttpsRequired => (
                "Webhook の URL は https:// で始めてください（http:// はサーバーの許可リストにあるホストのみ使えます）。".into(),
                "The webhook URL must use https:// (http:// only for hosts on the server's allow-list).".into(),
            ),
            Refusal::Unresolvable => (
                "Webhook の URL のホスト名を名前解決できません。".into(),
                "The webhook URL's host name does not resolve to any address.".into(),
            ),
            other => {
                let (ja, en) = other.kind();
                (
                    format!("Webhook の送信先が{ja}です。内部ネットワークへは送信できません（サーバーの許可リストにあるホストを除く）。"),
                    format!("The webhook's destination is a {en}; the server does not send into internal networks (except to hosts on its allow-list)."),
                )
            }
        }
    }

    /// The short text kept as a delivery's `last_error` (never the address itself).
    pub fn delivery_error(self) -> String {
        match self {
            Refusal::HttpsRequired => "refused: https required".into(),
            Refusal::Unresolvable => "refused: host does not resolve".into(),
            other => format!("refused: {}", other.kind().1),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.delivery_error())
    }
}

impl std::error::Error for Refusal {}

/// How an IPv6 range is judged.
#[derive(Debug, Clone, Copy)]
enum V6Rule {
    Refuse(Refusal),
    /// The last 32 bits are an IPv4 address (IPv4-mapped, NAT64 well-known prefix).
    LowV4,
    /// 6to4: bits 16..48 are an IPv4 address.
    SixToFour,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)
}

const fn v6(s: [u16; 8], len: u8) -> Ipv6Net {
    Ipv6Net::new_assert(
        Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]),
        len,
    )
}

/// Refused IPv4 ranges (IANA IPv4 Special-Purpose Address Registry and RFC 1918/6598/5737/
/// 2544). First match wins, so the broadcast address is named before the reserved 240/4.
pub const V4_RULES: &[(Ipv4Net, Refusal)] = &[
    (v4(0, 0, 0, 0, 8), Refusal::Unspecified),
    (v4(10, 0, 0, 0, 8), Refusal::Private),
    (v4(100, 64, 0, 0, 10), Refusal::Shared),
    (v4(127, 0, 0, 0, 8), Refusal::Loopback),
    (v4(169, 254, 0, 0, 16), Refusal::LinkLocal),
    (v4(172, 16, 0, 0, 12), Refusal::Private),
    (v4(192, 0, 0, 0, 24), Refusal::Reserved),
    (v4(192, 0, 2, 0, 24), Refusal::Documentation),
    (v4(192, 88, 99, 0, 24), Refusal::Reserved),
    (v4(192, 168, 0, 0, 16), Refusal::Private),
    (v4(198, 18, 0, 0, 15), Refusal::Benchmarking),
    (v4(198, 51, 100, 0, 24), Refusal::Documentation),
    (v4(203, 0, 113, 0, 24), Refusal::Documentation),
    (v4(224, 0, 0, 0, 4), Refusal::Multicast),
    (v4(255, 255, 255, 255, 32), Refusal::Broadcast),
    (v4(240, 0, 0, 0, 4), Refusal::Reserved),
];

/// IPv6 ranges (IANA IPv6 Special-Purpose Address Registry), first match wins; anything outside
/// global unicast 2000::/3 that no row names is [`Refusal::Reserved`].
const V6_RULES: &[(Ipv6Net, V6Rule)] = &[
    (
        v6([0, 0, 0, 0, 0, 0, 0, 0], 128),
        V6Rule::Refuse(Refusal::Unspecified),
    ),
    (
        v6([0, 0, 0, 0, 0, 0, 0, 1], 128),
        V6Rule::Refuse(Refusal::Loopback),
    ),
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), V6Rule::LowV4),
    (v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), V6Rule::LowV4),
    (
        v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48),
        V6Rule::Refuse(Refusal::Private),
    ),
    (
        v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32),
        V6Rule::Refuse(Refusal::Reserved),
    ), // Teredo
    (
        v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48),
        V6Rule::Refuse(Refusal::Benchmarking),
    ),
    (
        v6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28),
        V6Rule::Refuse(Refusal::Reserved),
    ), // ORCHID
    (
        v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28),
        V6Rule::Refuse(Refusal::Reserved),
    ), // ORCHIDv2
    (
        v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32),
        V6Rule::Refuse(Refusal::Documentation),
    ),
    (v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), V6Rule::SixToFour),
    (
        v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20),
        V6Rule::Refuse(Refusal::Documentation),
    ),
    (
        v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16),
        V6Rule::Refuse(Refusal::Reserved),
    ), // SRv6 SIDs
    (
        v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7),
        V6Rule::Refuse(Refusal::Private),
    ),
    (
        v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),
        V6Rule::Refuse(Refusal::LinkLocal),
    ),
    (
        v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10),
        V6Rule::Refuse(Refusal::Private),
    ), // site-local
    (
        v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8),
        V6Rule::Refuse(Refusal::Multicast),
    ),
];

const GLOBAL_UNICAST_V6: Ipv6Net = v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3);

/// Why this address may not receive webhooks, or `None` for a public unicast address.
pub fn refusal(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(a) => refusal_v4(a),
        IpAddr::V6(a) => refusal_v6(a),
    }
}

fn refusal_v4(a: Ipv4Addr) -> Option<Refusal> {
    V4_RULES
        .iter()
        .find(|(net, _)| net.contains(&a))
        .map(|(_, r)| *r)
}

fn refusal_v6(a: Ipv6Addr) -> Option<Refusal> {
    match V6_RULES.iter().find(|(net, _)| net.contains(&a)) {
        Some((_, V6Rule::Refuse(r))) => Some(*r),
        Some((_, V6Rule::LowV4)) => {
            let o = a.octets();
            refusal_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]))
        }
        Some((_, V6Rule::SixToFour)) => {
            let o = a.octets();
            refusal_v4(Ipv4Addr::new(o[2], o[3], o[4], o[5]))
        }
        None if !GLOBAL_UNICAST_V6.contains(&a) => Some(Refusal::Reserved),
        None => None,
    }
}

/// Hosts (optionally with a port) that may use `http` and any address: the server's
/// `--webhook-allow` setting. Empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<(String, Option<u16>)>);

impl AllowList {
    /// Parses entries `host`, `host:port`, `[v6]` or `[v6]:port`. Host names are normalised
    /// exactly as URLs are (lower case, IDNA, IPv4 number forms), so that an entry matches the
    /// URLs that name the same host.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, String> {
        let mut out = Vec::new();
        for e in entries {
            let e = e.as_ref().trim();
            if e.is_empty() {
                continue;
            }
            let (host, port) = split_host_port(e)
                .ok_or_else(|| format!("webhook allow-list entry {e:?}: expected host[:port]"))?;
            let url = reqwest::Url::parse(&format!("http://{host}/"))
                .map_err(|err| format!("webhook allow-list entry {e:?}: {err}"))?;
            let host = url
                .host_str()
                .ok_or_else(|| format!("webhook allow-list entry {e:?}: no host"))?;
            out.push((host.to_owned(), port));
        }
        Ok(AllowList(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `host` (as a URL's `host_str`) at `port` is on the list.
    pub fn admits(&self, host: &str, port: u16) -> bool {
        self.0
            .iter()
            .any(|(h, p)| h == host && p.is_none_or(|p| p == port))
    }

    /// Whether the host name is on the list with any port (for the resolver, which sees names
    /// only; the port was checked by [`check_url`] before the request).
    fn admits_name(&self, host: &str) -> bool {
        self.0.iter().any(|(h, _)| h == host)
    }
}

fn split_host_port(e: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = e.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let host = &e[..inside.len() + 2];
        return match after {
            "" => Some((host, None)),
            p => Some((host, Some(p.strip_prefix(':')?.parse().ok()?))),
        };
    }
    match e.matches(':').count() {
        0 => Some((e, None)),
        1 => {
            let (h, p) = e.split_once(':')?;
            Some((h, Some(p.parse().ok()?)))
        }
        _ => None, // a bare IPv6 address must be bracketed
    }
}

/// What a URL names, once its scheme and literal address passed the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// On the allow-list: no address rule.
    Allowed,
    /// A literal public address.
    Address(IpAddr),
    /// A host name: its addresses are judged when resolved ([`resolve_checked`]).
    Name(String),
}

/// The URL rules that need no name resolution: scheme, allow-list, literal addresses. The URL
/// was parsed as http(s) already.
pub fn check_url(url: &reqwest::Url, allow: &AllowList) -> Result<Destination, Refusal> {
    let host = url.host_str().ok_or(Refusal::Unresolvable)?;
    let port = url.port_or_known_default().ok_or(Refusal::Unresolvable)?;
    if allow.admits(host, port) {
        return Ok(Destination::Allowed);
    }
    if url.scheme() != "https" {
        return Err(Refusal::HttpsRequired);
    }
    match url.host() {
        Some(url::Host::Ipv4(a)) => match refusal(IpAddr::V4(a)) {
            Some(r) => Err(r),
            None => Ok(Destination::Address(IpAddr::V4(a))),
        },
        Some(url::Host::Ipv6(a)) => match refusal(IpAddr::V6(a)) {
            Some(r) => Err(r),
            None => Ok(Destination::Address(IpAddr::V6(a))),
        },
        Some(url::Host::Domain(d)) => Ok(Destination::Name(d.to_owned())),
        None => Err(Refusal::Unresolvable),
    }
}

/// Every address must be allowed: one refused address refuses the name (an attacker's DNS
/// could otherwise answer one public and one internal address).
pub fn check_addresses(addrs: &[IpAddr]) -> Result<(), Refusal> {
    if addrs.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    match addrs.iter().find_map(|a| refusal(*a)) {
        Some(r) => Err(r),
        None => Ok(()),
    }
}

/// Resolves host names. The system resolver in production; tests may answer from a table to
/// show what happens when an answer changes.
#[async_trait::async_trait]
pub trait HostResolver: Send + Sync + 'static {
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>>;
}

/// The operating system's resolver (getaddrinfo through tokio).
pub struct SystemResolver;

#[async_trait::async_trait]
impl HostResolver for SystemResolver {
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        Ok(tokio::net::lookup_host((host, 0))
            .await?
            .map(|s| s.ip())
            .collect())
    }
}

/// Resolves `host` and judges every address, unless the name is on the allow-list.
pub async fn resolve_checked(
    resolver: &dyn HostResolver,
    allow: &AllowList,
    host: &str,
) -> Result<Vec<IpAddr>, Refusal> {
    let addrs = resolver
        .lookup(host)
        .await
        .map_err(|_| Refusal::Unresolvable)?;
    if !allow.admits_name(host) {
        check_addresses(&addrs)?;
    }
    if addrs.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    Ok(addrs)
}

/// The HTTP client's resolver: hands the connector only addresses it has judged, so the address
/// checked is the address connected to.
pub struct GuardedResolver {
    pub resolver: Arc<dyn HostResolver>,
    pub allow: AllowList,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.resolver.clone();
        let allow = self.allow.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve_checked(&*resolver, &allow, &host).await?;
            let it: reqwest::dns::Addrs =
                Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(it)
        })
    }
}

/// The refusal somewhere in a request error's source chain, if the resolver refused.
pub fn refusal_in(err: &(dyn std::error::Error + 'static)) -> Option<Refusal> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<Refusal>() {
            return Some(*r);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn table_names_each_range_and_its_edges() {
        let cases: &[(&str, Option<Refusal>)] = &[
            ("0.0.0.0", Some(Refusal::Unspecified)),
            ("0.255.255.255", Some(Refusal::Unspecified)),
            ("1.0.0.0", None),
            ("9.255.255.255", None),
            ("10.0.0.0", Some(Refusal::Private)),
            ("10.255.255.255", Some(Refusal::Private)),
            ("11.0.0.0", None),
            ("100.63.255.255", None),
            ("100.64.0.0", Some(Refusal::Shared)),
            ("100.127.255.255", Some(Refusal::Shared)),
            ("100.128.0.0", None),
            ("126.255.255.255", None),
            ("127.0.0.1", Some(Refusal::Loopback)),
            ("127.255.255.254", Some(Refusal::Loopback)),
            ("128.0.0.0", None),
            ("169.254.169.254", Some(Refusal::LinkLocal)),
            ("169.253.255.255", None),
            ("169.255.0.0", None),
            ("172.15.255.255", None),
            ("172.16.0.0", Some(Refusal::Private)),
            ("172.31.255.255", Some(Refusal::Private)),
            ("172.32.0.0", None),
            ("192.0.0.8", Some(Refusal::Reserved)),
            ("192.0.2.1", Some(Refusal::Documentation)),
            ("192.88.99.1", Some(Refusal::Reserved)),
            ("192.167.255.255", None),
            ("192.168.0.1", Some(Refusal::Private)),
            ("192.169.0.0", None),
            ("198.17.255.255", None),
            ("198.18.0.0", Some(Refusal::Benchmarking)),
            ("198.19.255.255", Some(Refusal::Benchmarking)),
            ("198.20.0.0", None),
            ("198.51.100.7", Some(Refusal::Documentation)),
            ("203.0.113.9", Some(Refusal::Documentation)),
            ("223.255.255.255", None),
            ("224.0.0.1", Some(Refusal::Multicast)),
            ("239.255.255.255", Some(Refusal::Multicast)),
            ("240.0.0.1", Some(Refusal::Reserved)),
            ("255.255.255.254", Some(Refusal::Reserved)),
            ("255.255.255.255", Some(Refusal::Broadcast)),
            ("8.8.8.8", None),
            ("93.184.215.14", None),
            ("::", Some(Refusal::Unspecified)),
            ("::1", Some(Refusal::Loopback)),
            ("::ffff:127.0.0.1", Some(Refusal::Loopback)),
            ("::ffff:10.1.2.3", Some(Refusal::Private)),
            ("::ffff:169.254.169.254", Some(Refusal::LinkLocal)),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some(Refusal::Reserved)), // IPv4-compatible, deprecated
            ("64:ff9b::7f00:1", Some(Refusal::Loopback)),
            ("64:ff9b::808:808", None),
            ("64:ff9b:1::1", Some(Refusal::Private)),
            ("100::1", Some(Refusal::Reserved)),
            ("2001::1", Some(Refusal::Reserved)),
            ("2001:2::1", Some(Refusal::Benchmarking)),
            ("2001:db8::1", Some(Refusal::Documentation)),
            ("2002:7f00:1::1", Some(Refusal::Loopback)),
            ("2002:a9fe:a9fe::1", Some(Refusal::LinkLocal)),
            ("2002:808:808::1", None),
            ("3fff::1", Some(Refusal::Documentation)),
            ("fc00::1", Some(Refusal::Private)),
            ("fd12:3456::1", Some(Refusal::Private)),
            ("fe80::1", Some(Refusal::LinkLocal)),
            ("fec0::1", Some(Refusal::Private)),
            ("ff02::1", Some(Refusal::Multicast)),
            ("4000::1", Some(Refusal::Reserved)),
            ("2400:cb00::1", None),
            ("2606:4700:4700::1111", None),
        ];
        for (a, want) in cases {
            assert_eq!(refusal(ip(a)), *want, "{a}");
        }
    }

    proptest! {
        /// The table refuses at least what the standard library calls non-public.
        #[test]
        fn std_special_v4_is_refused(bits in any::<u32>()) {
            let a = Ipv4Addr::from(bits);
            if a.is_loopback() || a.is_private() || a.is_link_local() || a.is_unspecified()
                || a.is_multicast() || a.is_broadcast() || a.is_documentation()
            {
                prop_assert!(refusal(IpAddr::V4(a)).is_some(), "{a}");
            }
            // The IPv4-mapped form is judged as the IPv4 address.
            prop_assert_eq!(refusal(IpAddr::V6(a.to_ipv6_mapped())), refusal(IpAddr::V4(a)));
        }

        #[test]
        fn std_special_v6_is_refused(bits in any::<u128>()) {
            let a = Ipv6Addr::from(bits);
            if a.is_loopback() || a.is_unspecified() || a.is_multicast() || a.is_unique_local()
                || a.is_unicast_link_local()
            {
                prop_assert!(refusal(IpAddr::V6(a)).is_some(), "{a}");
            }
        }
    }

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).expect("url")
    }

    #[test]
    fn url_rules_scheme_literal_and_allow_list() {
        let none = AllowList::default();
        assert_eq!(
            check_url(&url("http://hooks.example.jp/x"), &none),
            Err(Refusal::HttpsRequired)
        );
        assert_eq!(
            check_url(&url("https://hooks.example.jp/x"), &none),
            Ok(Destination::Name("hooks.example.jp".into()))
        );
        for (u, r) in [
            ("https://127.0.0.1/", Refusal::Loopback),
            ("https://2130706433/", Refusal::Loopback), // 127.0.0.1 as one number
            ("https://0x7f.1/", Refusal::Loopback),
            ("https://[::1]/", Refusal::Loopback),
            ("https://[::ffff:127.0.0.1]/", Refusal::Loopback),
            (
                "https://169.254.169.254/latest/meta-data/",
                Refusal::LinkLocal,
            ),
            ("https://10.0.0.5:8443/", Refusal::Private),
            ("https://0.0.0.0/", Refusal::Unspecified),
        ] {
            assert_eq!(check_url(&url(u), &none), Err(r), "{u}");
        }
        assert_eq!(
            check_url(&url("https://8.8.8.8/"), &none),
            Ok(Destination::Address(ip("8.8.8.8")))
        );
        let allow = AllowList::parse(&["127.0.0.1:8080", "Receiver.Local", "[::1]:9000"])
            .expect("allow-list");
        assert_eq!(
            check_url(&url("http://127.0.0.1:8080/h"), &allow),
            Ok(Destination::Allowed)
        );
        assert_eq!(
            check_url(&url("http://127.0.0.1:8081/h"), &allow),
            Err(Refusal::HttpsRequired),
            "another port is not on the list"
        );
        assert_eq!(
            check_url(&url("https://127.0.0.1:8081/h"), &allow),
            Err(Refusal::Loopback)
        );
        assert_eq!(
            check_url(&url("http://receiver.local:1234/"), &allow),
            Ok(Destination::Allowed),
            "a host without a port admits every port; names compare normalised"
        );
        assert_eq!(
            check_url(&url("http://[::1]:9000/"), &allow),
            Ok(Destination::Allowed)
        );
    }

    #[test]
    fn allow_list_entries_parse_or_say_why() {
        let a = AllowList::parse(&["localhost:80", " ", "0x7f.1:5000"]).expect("parse");
        assert!(a.admits("localhost", 80) && !a.admits("localhost", 81));
        assert!(a.admits("127.0.0.1", 5000), "normalised like URLs");
        for bad in ["::1", "host:port", "[::1]x", "host:99999"] {
            assert!(AllowList::parse(&[bad]).is_err(), "{bad}");
        }
    }

    struct Table(Vec<IpAddr>);

    #[async_trait::async_trait]
    impl HostResolver for Table {
        async fn lookup(&self, _host: &str) -> std::io::Result<Vec<IpAddr>> {
            Ok(self.0.clone())
        }
    }

    #[tokio::test]
    async fn one_internal_answer_refuses_the_name() {
        let none = AllowList::default();
        let mixed = Table(vec![ip("8.8.8.8"), ip("10.0.0.1")]);
        assert_eq!(
            resolve_checked(&mixed, &none, "h.example").await,
            Err(Refusal::Private)
        );
        let empty = Table(vec![]);
        assert_eq!(
            resolve_checked(&empty, &none, "h.example").await,
            Err(Refusal::Unresolvable)
        );
        let public = Table(vec![ip("8.8.8.8")]);
        assert_eq!(
            resolve_checked(&public, &none, "h.example").await,
            Ok(vec![ip("8.8.8.8")])
        );
        let allow = AllowList::parse(&["h.example"]).expect("allow");
        assert_eq!(
            resolve_checked(&mixed, &allow, "h.example").await,
            Ok(vec![ip("8.8.8.8"), ip("10.0.0.1")]),
            "an allow-listed name may resolve anywhere"
        );
    }

    #[test]
    fn every_refusal_has_both_languages() {
        for r in [
            Refusal::HttpsRequired,
            Refusal::Loopback,
            Refusal::Private,
            Refusal::LinkLocal,
            Refusal::Unspecified,
            Refusal::Multicast,
            Refusal::Broadcast,
            Refusal::Shared,
            Refusal::Documentation,
            Refusal::Benchmarking,
            Refusal::Reserved,
            Refusal::Unresolvable,
        ] {
            let (ja, en) = r.messages();
            assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{r:?}");
            assert!(!r.delivery_error().is_empty());
        }
    }
}
