use std::net::Ipv6Addr;

use super::*;

const LIMITS: GuessLimits = GuessLimits {
    per_device: 3,
    per_address: 5,
    window: Duration::from_secs(60),
    per_second: 100,
};

fn ip(last: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, last])
}

fn guess(limit: &SignInLimit, account: &str, device: &str, from: IpAddr, now: Instant) {
    limit
        .begin(account, device, from, now)
        .unwrap()
        .refused(now);
}

fn refusal(
    limit: &SignInLimit,
    account: &str,
    device: &str,
    from: IpAddr,
    now: Instant,
) -> Option<Refused> {
    limit.begin(account, device, from, now).err()
}

#[test]
fn a_known_device_gets_in_while_strangers_guess() {
    let t0 = Instant::now();
    let limit = SignInLimit::new(LIMITS, t0);
    limit.begin("a@x", "phone", ip(1), t0).unwrap().accepted(t0);
    for _ in 0..3 {
        guess(&limit, "a@x", "attacker", ip(9), t0);
    }
    assert_eq!(
        refusal(&limit, "a@x", "attacker", ip(9), t0),
        Some(Refused {
            by: Throttled::Device,
            retry_after: 60
        })
    );
    // A fresh device id per guess gains nothing: new devices share one count.
    assert_eq!(
        refusal(&limit, "a@x", "attacker-2", ip(8), t0).map(|r| r.by),
        Some(Throttled::Account)
    );
    // The owner's phone, known from its earlier sign-in, still gets in, even
    // from the attacker's address.
    assert!(limit.begin("a@x", "phone", ip(9), t0).is_ok());
    assert!(limit.begin("a@x", "phone", ip(2), t0).is_ok());
    // Another account is unaffected.
    assert!(limit.begin("b@x", "attacker", ip(7), t0).is_ok());
}

#[test]
fn a_known_device_has_its_own_limit_and_a_success_starts_it_over() {
    let t0 = Instant::now();
    let limit = SignInLimit::new(LIMITS, t0);
    limit.begin("a@x", "phone", ip(1), t0).unwrap().accepted(t0);
    for _ in 0..2 {
        guess(&limit, "a@x", "phone", ip(1), t0);
    }
    limit.begin("a@x", "phone", ip(1), t0).unwrap().accepted(t0);
    for _ in 0..3 {
        guess(&limit, "a@x", "phone", ip(1), t0);
    }
    assert_eq!(
        refusal(&limit, "a@x", "phone", ip(1), t0 + Duration::from_secs(15)),
        Some(Refused {
            by: Throttled::Device,
            retry_after: 45
        })
    );
    assert!(
        limit
            .begin("a@x", "phone", ip(1), t0 + Duration::from_secs(60))
            .is_ok()
    );
}

#[test]
fn one_address_guessing_many_accounts_is_throttled() {
    let t0 = Instant::now();
    let limit = SignInLimit::new(LIMITS, t0);
    for n in 0..5 {
        guess(&limit, &format!("u{n}@x"), "d", ip(9), t0);
    }
    assert_eq!(
        refusal(&limit, "u9@x", "d", ip(9), t0).map(|r| r.by),
        Some(Throttled::Address)
    );
    assert!(
        limit.begin("u9@x", "d", ip(10), t0).is_ok(),
        "other addresses are unaffected"
    );
    // An IPv6 subscriber counts by its /64.
    let v6 = |last: u16| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, last));
    for n in 0..5 {
        guess(
            &limit,
            &format!("v{n}@x"),
            "d",
            v6(u16::from(n as u8) + 1),
            t0,
        );
    }
    assert_eq!(
        refusal(&limit, "v9@x", "d", v6(0xffff), t0).map(|r| r.by),
        Some(Throttled::Address)
    );
}

#[test]
fn the_global_budget_caps_guesses_per_second_across_accounts_and_addresses() {
    let t0 = Instant::now();
    let limit = SignInLimit::new(
        GuessLimits {
            per_second: 4,
            ..LIMITS
        },
        t0,
    );
    for n in 0..4u8 {
        guess(&limit, &format!("u{n}@x"), "d", ip(n), t0);
    }
    assert_eq!(
        refusal(&limit, "u9@x", "d", ip(99), t0),
        Some(Refused {
            by: Throttled::Global,
            retry_after: 1
        })
    );
    // A known device is not held up by strangers' guesses.
    let later = t0 + Duration::from_secs(1);
    limit
        .begin("k@x", "phone", ip(50), later)
        .unwrap()
        .accepted(later);
    for n in 10..14u8 {
        guess(&limit, &format!("u{n}@x"), "d", ip(n), later);
    }
    assert!(limit.begin("k@x", "phone", ip(50), later).is_ok());
    // The next second has a fresh budget.
    assert!(
        limit
            .begin("u9@x", "d", ip(99), later + Duration::from_secs(1))
            .is_ok()
    );
}

#[test]
fn parallel_attempts_count_before_they_finish() {
    let t0 = Instant::now();
    let limit = SignInLimit::new(LIMITS, t0);
    let attempts: Vec<_> = (0..3)
        .map(|_| limit.begin("a@x", "d", ip(1), t0).unwrap())
        .collect();
    assert_eq!(
        refusal(&limit, "a@x", "d", ip(1), t0).map(|r| r.by),
        Some(Throttled::Device),
        "a fourth guess in parallel must wait"
    );
    drop(attempts);
    assert!(
        limit.begin("a@x", "d", ip(1), t0).is_ok(),
        "abandoned attempts free their places"
    );
}

#[test]
fn windows_pass_and_are_forgotten() {
    let t0 = Instant::now();
    let limit = SignInLimit::new(LIMITS, t0);
    for _ in 0..3 {
        guess(&limit, "a@x", "d", ip(1), t0);
    }
    let later = t0 + Duration::from_secs(61);
    assert!(limit.begin("a@x", "d", ip(1), later).is_ok());
    let books = limit.books();
    assert!(books.pairs.len() <= 1 && books.new_devices.len() <= 1 && books.addresses.len() <= 1);
}
