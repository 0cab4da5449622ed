//! Width-aware text: CJK characters take two columns, and nothing is ever cut in half.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `s` cut to `width` columns (with `…` when cut) and padded with spaces to exactly `width`.
pub fn fit(s: &str, width: usize) -> String {
    let w = s.width();
    if w <= width {
        let mut out = String::with_capacity(s.len() + width - w);
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', width - w));
        return out;
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > width - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    used += 1;
    out.extend(std::iter::repeat_n(' ', width - used));
    out
}

/// `s` cut to at most `width` columns with `…` at the end when cut: at a space if one is near
/// (English words stay whole), else between two characters (CJK is never cut in half).
pub fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > width - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    if let Some(space) = out.rfind(' ')
        && out[..space].width() * 3 >= width * 2
    {
        out.truncate(space);
    }
    out.push('…');
    out
}

/// `line` broken into lines of at most `width` columns, counted by display width so that a
/// CJK character never sits half outside a box. An English word stays whole when a space is
/// near the break; continuation lines are indented two columns past the line's own indent, so
/// a wrapped entry still reads as one.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.width() <= width || width < 8 {
        return vec![line.to_string()];
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let indent = " ".repeat((lead + 2).min(width / 3));
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut used = 0;
    for c in line.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > width {
            // Back up to a near space so an English word is not split.
            let body_start = if out.is_empty() { 0 } else { indent.len() };
            let rest = match cur.rfind(' ') {
                Some(sp) if sp > body_start && cur[sp..].width() <= width / 4 => {
                    let rest = cur[sp + 1..].to_string();
                    cur.truncate(sp);
                    rest
                }
                _ => String::new(),
            };
            out.push(std::mem::take(&mut cur));
            cur.push_str(&indent);
            cur.push_str(&rest);
            used = cur.width();
        }
        cur.push(c);
        used += cw;
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

pub fn width(s: &str) -> usize {
    s.width()
}

/// Clears `area` for a popup, and also blanks any wide character that straddles its left or
/// right edge, which would otherwise leave half a glyph on screen (ratatui #2526).
pub fn clear_popup(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        if area.left() > buf.area.left() {
            let left = &mut buf[(area.left() - 1, y)];
            if left.symbol().width() > 1 {
                left.set_symbol(" ");
            }
        }
        let last = area.right().saturating_sub(1);
        if last >= area.left() && buf[(last, y)].symbol().width() > 1 {
            // Its second half lies outside the popup.
            if area.right() < buf.area.right() {
                buf[(area.right(), y)].set_symbol(" ");
            }
        }
        for x in area.left()..area.right() {
            buf[(x, y)].reset();
        }
    }
}

/// A rectangle of `w`×`h` centred in `outer`, never larger than it.
pub fn centered(outer: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(outer.width);
    let h = h.min(outer.height);
    Rect {
        x: outer.x + (outer.width - w) / 2,
        y: outer.y + (outer.height - h) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapped_text_never_passes_the_box_edge_and_loses_nothing() {
        let line = "  02:10 综治中心值班员 记录案事件 #1 第3步（区域警力到场处置）由 新港民警甲 完成，另有 an English sentence that wraps";
        for width in [20, 33, 45, 74] {
            let lines = wrap(line, width);
            assert!(lines.len() > 1, "{width}");
            for l in &lines {
                assert!(l.width() <= width, "{width}: {l:?} is {} wide", l.width());
            }
            for l in &lines[1..] {
                assert!(l.starts_with("    "), "continuation indented: {l:?}");
            }
            let joined: String = lines.iter().map(|l| l.replace(' ', "")).collect();
            assert_eq!(joined, line.replace(' ', ""), "{width}");
        }
        assert_eq!(wrap("短", 74), vec!["短".to_string()]);
    }

    #[test]
    fn a_long_message_is_cut_by_display_width_with_an_ellipsis_and_never_mid_word() {
        use super::{cut, width};
        let zh = "该预警已由 望江派出所值班室 处理，现为“处置中”。未作任何改动。";
        let c = cut(zh, 20);
        assert!(width(&c) <= 20 && c.ends_with('…'), "{c}");
        let en = "center2 already took this alert at 03:12:05; it is now 'in progress'.";
        let c = cut(en, 40);
        assert!(width(&c) <= 40 && c.ends_with('…'), "{c}");
        assert!(
            en.starts_with(c.trim_end_matches('…')) && c.contains("at…"),
            "{c}"
        );
        assert_eq!(cut("short", 20), "short");
    }

    use super::*;

    #[test]
    fn popup_edges_never_split_a_wide_glyph() {
        use ratatui::widgets::{Block, Borders, Widget};
        let area = Rect::new(0, 0, 12, 3);
        for left in 1..4u16 {
            let mut buf = Buffer::empty(area);
            for y in 0..3 {
                buf.set_string(0, y, "中文中文中文", ratatui::style::Style::new());
            }
            let popup = Rect::new(left, 0, 5, 3);
            clear_popup(&mut buf, popup);
            Block::new().borders(Borders::ALL).render(popup, &mut buf);
            for y in 0..3 {
                for x in 0..11 {
                    if buf[(x, y)].symbol().width() == 2 {
                        let next = buf[(x + 1, y)].symbol();
                        assert!(
                            next == " " || next.is_empty(),
                            "left {left}: torn at ({x},{y})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fit_pads_and_cuts_by_display_width() {
        assert_eq!(fit("张三", 6), "张三  ");
        assert_eq!(fit("望江派出所", 6), "望江… ");
        assert_eq!(fit("abc", 2), "a…");
        assert_eq!(width(&fit("𠮷英·明", 5)), 5);
    }
}
