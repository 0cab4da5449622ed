//! Lists as the views draw them: columns with a minimum width and a priority, dropped from the
//! least important when the terminal is narrow, the last column taking what is left.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::fit;
use super::theme::Theme;

pub struct Column {
    pub title: String,
    pub width: u16,
    /// 0 is never dropped; higher numbers go first when space runs out.
    pub priority: u8,
}

pub fn col(title: &str, width: u16, priority: u8) -> Column {
    Column {
        title: title.to_string(),
        width,
        priority,
    }
}

/// Which columns fit in `width`, as indexes in their original order.
pub fn visible_columns(cols: &[Column], width: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..cols.len()).collect();
    let total = |s: &[usize]| s.iter().map(|&i| cols[i].width + 1).sum::<u16>();
    while total(&shown) > width && shown.len() > 1 {
        let drop = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| cols[**i].priority > 0)
            .max_by_key(|(pos, i)| (cols[**i].priority, *pos))
            .map(|(pos, _)| pos);
        match drop {
            Some(pos) => {
                shown.remove(pos);
            }
            None => break,
        }
    }
    shown
}

/// A row: one cell per column, with an optional style per cell.
pub struct Row {
    pub cells: Vec<(String, Style)>,
    pub style: Style,
}

pub fn draw(
    f: &mut Frame,
    area: Rect,
    cols: &[Column],
    rows: &[Row],
    selected: Option<usize>,
    theme: &Theme,
) {
    if area.height == 0 {
        return;
    }
    let shown = visible_columns(cols, area.width);
    let fixed: u16 = shown.iter().map(|&i| cols[i].width + 1).sum();
    let spare = area.width.saturating_sub(fixed);
    // Spare room widens every column in proportion, up to double, the last one taking the rest.
    let base: u16 = shown.iter().map(|&i| cols[i].width).sum::<u16>().max(1);
    let mut widths: Vec<usize> = shown
        .iter()
        .map(|&i| {
            let extra = (u32::from(spare) * u32::from(cols[i].width) / u32::from(base)) as u16;
            usize::from(cols[i].width + extra.min(cols[i].width))
        })
        .collect();
    let used: usize = widths.iter().map(|w| w + 1).sum();
    if let Some(last) = widths.last_mut() {
        *last += usize::from(area.width).saturating_sub(used);
    }
    let mut lines = Vec::with_capacity(rows.len() + 1);
    let header: Vec<Span> = shown
        .iter()
        .zip(&widths)
        .map(|(&i, &w)| Span::styled(format!("{} ", fit(&cols[i].title, w)), theme.title()))
        .collect();
    lines.push(Line::from(header));
    for (n, row) in rows.iter().enumerate() {
        let mut style = row.style;
        if selected == Some(n) {
            style = style.patch(theme.selected());
        }
        let spans: Vec<Span> = shown
            .iter()
            .zip(&widths)
            .map(|(&i, &w)| {
                let (text, cell_style) = row.cells.get(i).cloned().unwrap_or_default();
                Span::styled(format!("{} ", fit(&text, w)), cell_style.patch(style))
            })
            .collect();
        lines.push(Line::from(spans).style(style));
    }
    f.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_drop_in_priority_order_when_narrow() {
        let cols = vec![
            col("a", 10, 0),
            col("b", 10, 2),
            col("c", 10, 1),
            col("d", 10, 3),
        ];
        assert_eq!(visible_columns(&cols, 44), vec![0, 1, 2, 3]);
        assert_eq!(visible_columns(&cols, 40), vec![0, 1, 2]);
        assert_eq!(visible_columns(&cols, 30), vec![0, 2]);
        assert_eq!(visible_columns(&cols, 5), vec![0]);
    }
}
