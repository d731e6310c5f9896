<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ChannelTile</name>
    <message>
        <location filename="../ui/channel_grid.cpp" line="45"/>
        <source>age —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="46"/>
        <source>age %1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Health</name>
    <message>
        <location filename="../ui/health/health_style.cpp" line="54"/>
        <source>critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/health_style.cpp" line="55"/>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/vigil.cpp" line="162"/>
        <source>Embedded engine</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tally</name>
    <message>
        <location filename="../ui/tally.cpp" line="39"/>
        <source>On air: primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="41"/>
        <source>On air: backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="43"/>
        <source>Slate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="45"/>
        <source>Down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="54"/>
        <source>Down: no pipeline is producing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="55"/>
        <source>Down: the channel is %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="57"/>
        <source>Emergency slate: no pipeline delivers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="58"/>
        <source>On air from the built-in test source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="60"/>
        <source>Slate: put on air by an operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="61"/>
        <source>Slate: no input is fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="62"/>
        <source>On air from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="65"/>
        <source> (%1: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="68"/>
        <source>, held on backup</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::AlarmsPanel</name>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="57"/>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="60"/>
        <source>Alarms raised, last 2 hours (10 min, UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="61"/>
        <source>Alarms raised, last 24 hours (hourly, UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="66"/>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="66"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="66"/>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="66"/>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="66"/>
        <source>Raised (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="66"/>
        <source>Acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="155"/>
        <source>engine: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="158"/>
        <source>%1 at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="195"/>
        <source>Acknowledging alarm %1 as %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="202"/>
        <source>Alarm %1 acknowledged by %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="203"/>
        <source>Alarm %1 not acknowledged: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/alarms_panel.cpp" line="232"/>
        <source>Only the newest %1 alarms are counted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::AudioMeter</name>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="84"/>
        <source>Peak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="86"/>
        <source>Sample peak, dBFS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="87"/>
        <source>LUFS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="89"/>
        <source>Momentary loudness (bar) and short-term loudness (line), LUFS; EBU R128 target -23</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="148"/>
        <source>Audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="148"/>
        <source>Audio %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="152"/>
        <source>Peak %1 dBFS
M %2 / S %3 LUFS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="155"/>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="157"/>
        <source>Retrying: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="159"/>
        <source>Cannot follow: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/audio_meter.cpp" line="161"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::AvailabilityView</name>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="34"/>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="35"/>
        <source>This month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="36"/>
        <source>Objective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="37"/>
        <source>Error budget (month)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="38"/>
        <source>Topology should reach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="39"/>
        <source>Topology</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="51"/>
        <source>%1 h %2 min %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="52"/>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="53"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="57"/>
        <source>healthy %1 · degraded %2 · outage %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="62"/>
        <location filename="../ui/cost/availability_view.cpp" line="63"/>
        <source>%1 (%2): %3 achieved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="65"/>
        <source>%1 per month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/availability_view.cpp" line="67"/>
        <source>%1 left of %2 (%3 used)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ChannelEditor</name>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="51"/>
        <location filename="../ui/editor/channel_editor.cpp" line="55"/>
        <source>Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="56"/>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="57"/>
        <source>Ladder and audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="58"/>
        <source>Packaging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="74"/>
        <source>Save and start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="101"/>
        <source>e.g. news1 (letters, digits, - and _)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="105"/>
        <location filename="../ui/editor/channel_editor.cpp" line="208"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="106"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="111"/>
        <source>Built-in test source (pattern, clock and tone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="113"/>
        <source>Contribution inputs (SRT or RTMP, see Inputs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="119"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="127"/>
        <source>at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="129"/>
        <source>fps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="131"/>
        <source>Source picture (the pattern&apos;s, or what the inputs carry)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="138"/>
        <source>Redundancy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="140"/>
        <source>Restart the channel to apply (it leaves the air while it restarts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="162"/>
        <source>Failover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="168"/>
        <source>Loss of signal after (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="169"/>
        <source>Black picture after (ms, 0: never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="170"/>
        <source>Silence after (ms, 0: never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="171"/>
        <source>Frozen picture after (ms, 0: never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="173"/>
        <source>Return to the primary by itself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="178"/>
        <source>Primary fit for (ms) before the return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="192"/>
        <source>Audio (AAC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="209"/>
        <source>Bitrate (kbps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="210"/>
        <source>Channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="211"/>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="212"/>
        <source>Name shown by players</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="224"/>
        <source>Segment duration (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="225"/>
        <source>Part duration (ms, divides the segment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="227"/>
        <source>Part hold back (ms, at least 3 parts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="229"/>
        <source>Live window (segments)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="231"/>
        <source>DVR window (segments)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="243"/>
        <source>New channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="251"/>
        <source>Edit channel %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="252"/>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="265"/>
        <source>The engine has no channel %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="356"/>
        <source>inputs: add an input, or choose the built-in test source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="390"/>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="403"/>
        <source>Stopping %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="416"/>
        <source>Saving %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="431"/>
        <source>Saved: %1 is starting with these settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="436"/>
        <source>The engine did not save %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ChannelGrid</name>
    <message>
        <location filename="../ui/channel_grid.cpp" line="152"/>
        <source>Filter channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="156"/>
        <source>Sort: status, worst first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="157"/>
        <source>Sort: name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="158"/>
        <source>Sort: manifest age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="159"/>
        <source>Sort: alarms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="160"/>
        <source>Problems only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="259"/>
        <source>%1 channels, %2 need attention</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ChannelTile</name>
    <message>
        <location filename="../ui/channel_grid.cpp" line="62"/>
        <source>no picture yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="92"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="95"/>
        <source>no pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="97"/>
        <source>emergency slate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="99"/>
        <source>P— of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="101"/>
        <source>P%1 on air</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="105"/>
        <source>no alarms</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/channel_grid.cpp" line="108"/>
        <source>%n alarm(s)</source>
        <translation>
            <numerusform>%n alarm</numerusform>
            <numerusform>%n alarms</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigil::ui::ChannelView</name>
    <message>
        <location filename="../ui/channel_view.cpp" line="41"/>
        <source>◀ Wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="44"/>
        <source>Back to every channel (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="54"/>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="89"/>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="90"/>
        <source>Pipelines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="91"/>
        <location filename="../ui/channel_view.cpp" line="130"/>
        <source>Alarms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="92"/>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="93"/>
        <source>Cost and availability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="98"/>
        <source>Rehearsal running: the fault is performed now and its impact measured…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="115"/>
        <source>No channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="115"/>
        <source>%1 (not declared)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="121"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="128"/>
        <source> · pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="130"/>
        <source>Alarms (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="132"/>
        <source>manifest age —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="132"/>
        <source>manifest age %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="141"/>
        <source>Rehearsal refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="144"/>
        <source>no switch seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="144"/>
        <source>switched in %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="145"/>
        <source>Rehearsal %1 (%2): %3; worst manifest age %4 s (before: %5 s); %6 parts lost, %7 repeated; observed %8 s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ConfidenceMonitor</name>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="166"/>
        <source>%1×%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="166"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="167"/>
        <source>%1 fps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="171"/>
        <source>%1 / %2 kbps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="175"/>
        <source>— / %1 kbps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="181"/>
        <source>IDR ?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="183"/>
        <source>No segment start seen yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="186"/>
        <source>IDR ✓</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="189"/>
        <source>Segment %1 starts with an IDR at its boundary, as in the other renditions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="192"/>
        <source>IDR ✗</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="196"/>
        <source>Another rendition starts segment %1 elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="203"/>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="206"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="212"/>
        <source>Retrying: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_monitor.cpp" line="215"/>
        <source>Cannot follow: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ConfidencePanel</name>
    <message>
        <location filename="../ui/confidence/confidence_panel.cpp" line="19"/>
        <location filename="../ui/confidence/confidence_panel.cpp" line="43"/>
        <source>No channel selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_panel.cpp" line="44"/>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_panel.cpp" line="63"/>
        <source>Channel %1 is not declared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/confidence/confidence_panel.cpp" line="93"/>
        <source>Channel %1 is not running</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::CostPanel</name>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="41"/>
        <source>Event delivery cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="56"/>
        <source> USD/GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="58"/>
        <source>Concurrent viewers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="59"/>
        <source>CDN price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="65"/>
        <source>Rendition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="65"/>
        <source>Picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="65"/>
        <source>Bitrate (with audio)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="65"/>
        <source>Share of viewers (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="78"/>
        <source>Shares add up to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="79"/>
        <source>Mean bitrate per viewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="80"/>
        <source>CDN edge throughput</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="81"/>
        <source>Egress per hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="82"/>
        <source>Cost per hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="86"/>
        <source>Availability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="114"/>
        <source>No channel selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="115"/>
        <source>Channel %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="169"/>
        <source>The engine has no channel %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="183"/>
        <source>%1×%2 at %3 fps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="239"/>
        <source>%1 % (scaled to 100 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="243"/>
        <source>%1 per hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/cost/cost_panel.cpp" line="244"/>
        <source>%1 USD per hour</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::EngineClient</name>
    <message>
        <location filename="../ui/engine_client.cpp" line="119"/>
        <source>switch %1 to input %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="127"/>
        <source>hold %1 on its backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="127"/>
        <source>release the hold of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="132"/>
        <source>fail %1 over to the standby region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="137"/>
        <source>prefer pipeline %1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="144"/>
        <source>restart pipeline %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="151"/>
        <source>start %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="402"/>
        <location filename="../ui/engine_client.cpp" line="156"/>
        <source>stop %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="161"/>
        <location filename="../ui/health/alarms_panel.cpp" line="194"/>
        <source>acknowledge alarm %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/channel_editor.cpp" line="415"/>
        <location filename="../ui/engine_client.cpp" line="166"/>
        <source>save channel %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::EventLogModel</name>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="59"/>
        <source>Time (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="61"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="63"/>
        <source>Actor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="65"/>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::EventLogPanel</name>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="135"/>
        <source>Operator actions only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="141"/>
        <source>Filter: kind, actor, detail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/event_log_panel.cpp" line="222"/>
        <source>%1 of %2 events</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::InputCard</name>
    <message>
        <location filename="../ui/health/input_card.cpp" line="66"/>
        <source>Black</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="67"/>
        <source>Silence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="68"/>
        <source>Freeze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="85"/>
        <source>primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="85"/>
        <source>backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="86"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="98"/>
        <source>bitrate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="99"/>
        <source>RTT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="100"/>
        <source>lost/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="102"/>
        <source>Bitrate (kbps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="105"/>
        <source>SRT: RTT (ms), lost packets/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="156"/>
        <source>sessions %1 (%2 failed) · continuity errors %3 · codec changes %4 · timestamp jumps %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="162"/>
        <source> · last error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="208"/>
        <source>ON AIR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="208"/>
        <source>STANDBY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="211"/>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="212"/>
        <source>Unfit: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="219"/>
        <source>%1: not connected (last packet %2 s ago)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="220"/>
        <source>%1: not connected (nothing received yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="222"/>
        <source>%1: connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="222"/>
        <source>%1: connected from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="226"/>
        <source>No picture decoded yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="227"/>
        <source>%1x%2 at %3 fps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="229"/>
        <source> · %1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="230"/>
        <source>no video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="231"/>
        <source>no audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="232"/>
        <source> · keyframe every %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="233"/>
        <source> · %1 kbps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="238"/>
        <source>Alignment with the input on air: unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="239"/>
        <source>Same programme as on air, drift %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/input_card.cpp" line="240"/>
        <source>Not the same programme as on air (drift %1 ms)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::InputEditor</name>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="45"/>
        <source>Add input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="47"/>
        <source>Remove input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="49"/>
        <source>Show keys and passphrases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="59"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="59"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="59"/>
        <source>RTMP application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="59"/>
        <source>RTMP stream key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="60"/>
        <source>SRT passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="60"/>
        <source>SRT key length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="60"/>
        <source>SRT latency (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/input_editor.cpp" line="61"/>
        <source>Allowed callers (CIDR, comma separated)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::InputsPanel</name>
    <message>
        <location filename="../ui/health/inputs_panel.cpp" line="16"/>
        <source>This channel has no contribution inputs: it plays the built-in test source.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/inputs_panel.cpp" line="50"/>
        <source>Channel %1 is not known to the engine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/inputs_panel.cpp" line="62"/>
        <source>On air: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/inputs_panel.cpp" line="62"/>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/inputs_panel.cpp" line="63"/>
        <source> · held on backup (no automatic return to the primary)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/inputs_panel.cpp" line="64"/>
        <source> · automatic return to the primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/health/inputs_panel.cpp" line="65"/>
        <source> · %n input switch(es)</source>
        <translation>
            <numerusform> · %n input switch</numerusform>
            <numerusform> · %n input switches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vigil::ui::LadderEditor</name>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="33"/>
        <source>Product default (capped at the source)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="34"/>
        <source>Demo (small, real time on two cores)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="35"/>
        <source>Use preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="37"/>
        <source>Add rendition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="39"/>
        <source>Remove rendition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="50"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="50"/>
        <source>Width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="50"/>
        <source>Height</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="50"/>
        <source>fps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="50"/>
        <source>Bitrate (kbps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="51"/>
        <source>Maxrate (kbps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="51"/>
        <source>Buffer (kbit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="51"/>
        <source>x264 preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="51"/>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="52"/>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/editor/ladder_editor.cpp" line="129"/>
        <source>auto</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="102"/>
        <source>Done: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="102"/>
        <source>Refused: %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="105"/>
        <source>Engine %1 unreachable: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="136"/>
        <source>Operator: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="137"/>
        <source>Vigil master control — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="139"/>
        <source>&amp;Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="140"/>
        <source>&amp;Operator…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="141"/>
        <source>&amp;Attach remote engine…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="143"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="145"/>
        <source>C&amp;hannel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="146"/>
        <source>&amp;New channel…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="151"/>
        <source>&amp;Wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="156"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="157"/>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="190"/>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="190"/>
        <source>Your name (kept in every action&apos;s event):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="197"/>
        <location filename="../ui/main_window.cpp" line="228"/>
        <source>Attach a remote engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="202"/>
        <source>Engine URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="203"/>
        <source>Control token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="212"/>
        <source>Attaching %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ManifestAgeChart</name>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="66"/>
        <source>Manifest age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="67"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="68"/>
        <source>Age (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="92"/>
        <source>5 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="92"/>
        <source>1 hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="92"/>
        <source>24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="241"/>
        <source>%1 max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="272"/>
        <source>warning %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="273"/>
        <source>critical %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="299"/>
        <source>10 s buckets: line the mean, dotted the max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/manifest_age_chart.cpp" line="299"/>
        <source>every sample</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::OperatorActions</name>
    <message>
        <location filename="../ui/operator_actions.cpp" line="37"/>
        <source>Switch input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="38"/>
        <source>Hold on backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="41"/>
        <source>Prefer pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="43"/>
        <source>Restart pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="47"/>
        <source>Start channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="48"/>
        <source>Stop channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="49"/>
        <source>Rehearse failover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="50"/>
        <source>Fail over to standby region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="68"/>
        <source>The channel stays on its backup even when the primary is healthy again: viewers see the backup&apos;s picture until the hold is released. Use it while the primary path is worked on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="70"/>
        <source>The channel returns to the primary once it has been healthy for the hold-off time, at a segment boundary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="88"/>
        <source>The channel starts from its saved specification. Its playlists continue the media sequence after a discontinuity; players reloading them resume.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="101"/>
        <source>A real input failover is performed now and its impact measured for 8 s. If the backup is fit viewers see its picture from the next segment boundary; nothing else.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="103"/>
        <source>The worker of the pipeline on air is killed now (SIGKILL) and the impact measured for 8 s. If the other pipeline is healthy viewers see no change; if not, the emergency slate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="109"/>
        <source>The standby region&apos;s hook is called now: every viewer of this channel is handed to the standby region (what it steers, DNS or a CDN&apos;s origin group, decides when). Viewers may rebuffer once while their players move.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="128"/>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="130"/>
        <source>Go ahead?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="146"/>
        <source>No channel selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="149"/>
        <source>The channel is not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="152"/>
        <source>Start the channel from its saved specification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="154"/>
        <location filename="../ui/operator_actions.cpp" line="191"/>
        <source>Hand this channel&apos;s viewers to the standby region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="159"/>
        <source>The channel is running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="162"/>
        <location filename="../ui/operator_actions.cpp" line="163"/>
        <source>The channel has no backup input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="167"/>
        <source>No other input is fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="170"/>
        <source>Keep the channel on its backup: no automatic return to the primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="176"/>
        <location filename="../ui/operator_actions.cpp" line="177"/>
        <source>This channel runs a single pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="181"/>
        <source>Pipeline %1 is already preferred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="183"/>
        <source>Pipeline %1 is %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="188"/>
        <source>Rehearse an input failover and measure its impact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="189"/>
        <source>Rehearse a pipeline kill and measure its impact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="197"/>
        <source>No standby region is configured for this channel: region failover needs a hook (region_failover.hook_url) that hands its viewers to a standby engine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="214"/>
        <source>Every viewer sees the slate (&quot;we&apos;ll be right back&quot;) and hears silence until an input is put back on air.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="218"/>
        <source>Input %1 is not fit (%2): viewers would see what it carries now, or the slate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="221"/>
        <source>Viewers see the feed of %1 from the next segment boundary. It carries the same programme (%2 ms behind): no frame lost or repeated, no stall, no discontinuity.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="225"/>
        <source>Viewers see the picture and sound of %1 from the next segment boundary: a cut to a different picture, but no stall and no discontinuity (the keyframe grid is kept).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="233"/>
        <source>Pipeline %1 restarted recently and is held out of the manifest until its output is steady; the packager then takes its parts at a segment boundary. Viewers see no change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="236"/>
        <source>The packager takes the parts of pipeline %1 from the next segment boundary. Both pipelines encode the same pictures on the same keyframe grid: viewers see no change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="244"/>
        <source>The worker of pipeline %1 is killed and started again. Pipeline %2 carries the channel meanwhile: viewers see no change. Pipeline %1 rejoins once its output is steady.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="248"/>
        <source>No other pipeline is up: while pipeline %1 restarts (a few seconds) viewers see the emergency slate, then the programme again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="254"/>
        <source>The channel goes off air: every viewer&apos;s player stalls within seconds and then fails, because the playlists stop advancing. It stays declared and counts as an outage until it is started again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::PipelinesPanel</name>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="49"/>
        <source>Pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="49"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="49"/>
        <source>Preferred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="49"/>
        <source>On air</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="49"/>
        <source>Steady</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="50"/>
        <source>Restarts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="50"/>
        <source>Last exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="50"/>
        <source>Quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="50"/>
        <source>Segment ratio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="51"/>
        <source>Frames dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="51"/>
        <source>Keyframe violations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="67"/>
        <source>Keyframe alignment (renditions x pipelines)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="95"/>
        <source>Channel %1 is not known to the engine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="98"/>
        <source>Single pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="98"/>
        <source>Two redundant pipelines</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/health/pipelines_panel.cpp" line="99"/>
        <source> · %n pipeline switch(es)</source>
        <translation>
            <numerusform> · %n pipeline switch</numerusform>
            <numerusform> · %n pipeline switches</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="100"/>
        <source> · EMERGENCY SLATE ON AIR: no pipeline delivers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="112"/>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="112"/>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="116"/>
        <source>ON AIR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="117"/>
        <source>no (held out after a restart)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="148"/>
        <source>all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="162"/>
        <source>Pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/health/pipelines_panel.cpp" line="186"/>
        <source>aligned</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/health/pipelines_panel.cpp" line="186"/>
        <source>%n violation(s)</source>
        <translation>
            <numerusform>%n violation</numerusform>
            <numerusform>%n violations</numerusform>
        </translation>
    </message>
</context>
</TS>
