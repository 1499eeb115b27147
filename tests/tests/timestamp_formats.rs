//! `Timestamp::parse` in a documented format reads every text as chrono's
//! `parse_from_str` reads it in that format: same date, time and offset, written back in
//! that format. The runtime reads texts of a fixed-width format's one layout itself and
//! leaves the rest to chrono, so the texts here are that layout's, with values in and out
//! of range, and near misses (unpadded, other spaces, other signs, one byte more or less).

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use crm_runtime::{DatetimeFormats, FormatList, Timestamp};

macro_rules! formats {
    ($($name:ident: $($format:literal),*;)*) => {$(
        struct $name;
        impl DatetimeFormats for $name {
            fn formats() -> &'static FormatList {
                static FORMATS: FormatList = FormatList::new(&[$($format),*]);
                &FORMATS
            }
        }
    )*};
}

formats! {
    Wealthbox: "%Y-%m-%d %I:%M %p %z";
    LowerPmSeconds: "%Y-%m-%d %I:%M:%S %P";
    Clock24Offset: "%Y-%m-%dT%H:%M:%S%z";
    DayFirst: "%d/%m/%Y %H:%M";
    Packed: "%Y%m%d%H%M%S";
    Expanded: "%FT%T%z";
    // No layout: an unpadded hour, the hour without am/pm, am/pm on a 24-hour clock, a
    // date alone.
    Unpadded: "%Y-%m-%d %-I:%M%P";
    HalfClock: "%Y-%m-%d %I:%M";
    AmPmOn24: "%Y-%m-%d %H:%M %p";
    DateOnly: "%Y-%m-%d";
    // No format: the ISO 8601 forms alone.
    IsoOnly: ;
}

/// What chrono's `parse_from_str` reads `text` as in `format` (`None`: it refuses it).
fn chrono_reads(text: &str, format: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    if format.contains("%z") {
        DateTime::parse_from_str(text, format).ok().map(|at| (at.naive_local(), Some(*at.offset())))
    } else {
        NaiveDateTime::parse_from_str(text, format).ok().map(|local| (local, None))
    }
}

/// A small deterministic generator (xorshift), so a failure is reproducible.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len() as u64) as usize]
    }
}

/// Texts of `format`'s layout and near it: chrono writing random instants in it, then
/// digits replaced (values out of range: month 13, hour 00 on a 12-hour clock, minute 60,
/// second 60, offset +2400), am/pm in other cases and other letters, other signs, bytes
/// added or removed.
fn texts(format: &str, random: &mut Random) -> Vec<String> {
    let mut texts = Vec::new();
    for _ in 0..3000 {
        let seconds = random.below(2 * 4_102_444_800) as i64 - 4_102_444_800;
        let offset = FixedOffset::east_opt(random.below(2 * 86_399) as i32 - 86_399).unwrap();
        let at = DateTime::from_timestamp(seconds, 0).unwrap().with_timezone(&offset);
        let written = at.format(format).to_string();
        texts.push(written.clone());
        for _ in 0..4 {
            let mut bytes = written.clone().into_bytes();
            let at = random.below(bytes.len() as u64) as usize;
            match random.below(6) {
                0 | 1 if bytes[at].is_ascii_digit() => bytes[at] = random.pick(b"0123456789"),
                2 if bytes[at].is_ascii_digit() => bytes[at] = random.pick(b" +-a:"),
                3 if bytes[at].is_ascii_alphabetic() => bytes[at] = random.pick(b"aApPmMxX"),
                4 => drop(bytes.remove(at)),
                _ => bytes.insert(at, random.pick(b"0 \t-+:")),
            }
            texts.push(String::from_utf8(bytes).unwrap());
        }
    }
    let ranges = ["00", "12", "13", "23", "24", "29", "30", "31", "59", "60", "99"];
    for template in [texts[0].clone(), texts[5].clone()] {
        for place in 0..template.len().saturating_sub(1) {
            for two in ranges {
                let mut text = template.clone();
                if text.is_char_boundary(place + 2) && text[place..place + 2].bytes().all(|b| b.is_ascii_digit()) {
                    text.replace_range(place..place + 2, two);
                    texts.push(text);
                }
            }
        }
    }
    for sign in ["+", "-", "\u{2212}"] {
        if let Some(last) = texts[0].rfind(['+', '-']) {
            let mut text = texts[0].clone();
            text.replace_range(last..last + 1, sign);
            texts.push(text);
        }
    }
    texts
}

/// Checks every text of [`texts`]; gives how many chrono reads and refuses.
fn reads_as_chrono<F: DatetimeFormats>(format: &str, seed: u64) -> (usize, usize) {
    let mut random = Random(seed);
    let (mut read, mut refused) = (0, 0);
    for text in texts(format, &mut random) {
        let ours = Timestamp::<F>::parse(&text);
        match chrono_reads(&text, format) {
            Some((local, offset)) => {
                read += 1;
                let ours = ours.unwrap_or_else(|| panic!("{format}: {text:?} refused; chrono reads it as {local} {offset:?}"));
                assert_eq!((ours.local(), ours.offset()), (local, offset), "{format}: {text:?}");
                // Written back in the format it was read in.
                let again = Timestamp::<F>::parse(&ours.to_string()).unwrap();
                assert_eq!((again.local(), again.offset()), (local, offset), "{format}: {text:?} written as {ours}");
            }
            None => {
                refused += 1;
                // Refused in the format, only the ISO 8601 forms may still read it.
                let iso = Timestamp::<IsoOnly>::parse(&text).map(|t| (t.local(), t.offset()));
                assert_eq!(ours.map(|t| (t.local(), t.offset())), iso, "{format}: {text:?}, which chrono refuses");
            }
        }
    }
    (read, refused)
}

#[test]
fn fixed_width_formats_read_every_text_as_chrono_does() {
    for (format, (read, refused)) in [
        ("%Y-%m-%d %I:%M %p %z", reads_as_chrono::<Wealthbox>("%Y-%m-%d %I:%M %p %z", 1)),
        ("%Y-%m-%d %I:%M:%S %P", reads_as_chrono::<LowerPmSeconds>("%Y-%m-%d %I:%M:%S %P", 2)),
        ("%Y-%m-%dT%H:%M:%S%z", reads_as_chrono::<Clock24Offset>("%Y-%m-%dT%H:%M:%S%z", 3)),
        ("%d/%m/%Y %H:%M", reads_as_chrono::<DayFirst>("%d/%m/%Y %H:%M", 4)),
        ("%Y%m%d%H%M%S", reads_as_chrono::<Packed>("%Y%m%d%H%M%S", 5)),
        ("%FT%T%z", reads_as_chrono::<Expanded>("%FT%T%z", 6)),
    ] {
        assert!(read > 3000 && refused > 1000, "{format}: {read} texts read, {refused} refused: the texts test both sides");
    }
}

/// chrono refuses every text of the second and the last (an hour without am/pm; no time),
/// which the runtime must refuse too (but for the ISO 8601 date alone).
#[test]
fn formats_without_one_layout_read_every_text_as_chrono_does() {
    reads_as_chrono::<Unpadded>("%Y-%m-%d %-I:%M%P", 7);
    reads_as_chrono::<HalfClock>("%Y-%m-%d %I:%M", 8);
    reads_as_chrono::<AmPmOn24>("%Y-%m-%d %H:%M %p", 9);
    reads_as_chrono::<DateOnly>("%Y-%m-%d", 10);
}
