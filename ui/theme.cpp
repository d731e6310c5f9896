#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace vigil::ui {

void applyControlRoomTheme(QApplication& app) {
  app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette p;
  const QColor window(0x17, 0x19, 0x1d), base(0x10, 0x12, 0x15), text(0xe6, 0xe8, 0xeb), mid(0x2a, 0x2e, 0x35);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(0x1b, 0x1e, 0x23));
  p.setColor(QPalette::ToolTipBase, mid);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, mid);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd0));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
  p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x99));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6a, 0x70, 0x78));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6a, 0x70, 0x78));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6a, 0x70, 0x78));
  app.setPalette(p);
  app.setStyleSheet(
      QStringLiteral("QToolTip { border: 1px solid #3a3f47; }"
                     "QGroupBox { border: 1px solid #2a2e35; border-radius: 4px; margin-top: 1.2em; padding-top: 4px; }"
                     "QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #aab2bd; }"
                     "QHeaderView::section { background: #1f2329; color: #aab2bd; border: 0; padding: 3px; }"));
}

}  // namespace vigil::ui
