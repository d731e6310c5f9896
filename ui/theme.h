// The control-room look: a dark, low-glare palette so tally colours and
// alarms are what catches the eye.
#pragma once

class QApplication;

namespace vigil::ui {

void applyControlRoomTheme(QApplication& app);

}  // namespace vigil::ui
