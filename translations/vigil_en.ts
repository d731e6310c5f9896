<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ChannelTile</name>
    <message>
        <location filename="../ui/channel_grid.cpp" line="46"/>
        <source>age —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="47"/>
        <source>age %1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/vigil.cpp" line="159"/>
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
        <location filename="../ui/tally.cpp" line="59"/>
        <source>Slate: no input is fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="60"/>
        <source>On air from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="63"/>
        <source> (primary %1: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tally.cpp" line="66"/>
        <source>, held on backup</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ChannelGrid</name>
    <message>
        <location filename="../ui/channel_grid.cpp" line="153"/>
        <source>Filter channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="157"/>
        <source>Sort: status, worst first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="158"/>
        <source>Sort: name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="159"/>
        <source>Sort: manifest age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="160"/>
        <source>Sort: alarms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="161"/>
        <source>Problems only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="260"/>
        <source>%1 channels, %2 need attention</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::ChannelTile</name>
    <message>
        <location filename="../ui/channel_grid.cpp" line="63"/>
        <source>no picture yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="93"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="96"/>
        <source>no pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="98"/>
        <source>emergency slate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="100"/>
        <source>P— of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="102"/>
        <source>P%1 on air</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_grid.cpp" line="106"/>
        <source>no alarms</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/channel_grid.cpp" line="109"/>
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
        <location filename="../ui/channel_view.cpp" line="37"/>
        <source>◀ Wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="40"/>
        <source>Back to every channel (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="50"/>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="86"/>
        <source>Rehearsal running: the fault is performed now and its impact measured…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="103"/>
        <source>No channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="103"/>
        <source>%1 (not declared)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="109"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="116"/>
        <source> · pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="119"/>
        <source>manifest age —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="119"/>
        <source>manifest age %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="128"/>
        <source>Rehearsal refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="131"/>
        <source>no switch seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="131"/>
        <source>switched in %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/channel_view.cpp" line="132"/>
        <source>Rehearsal %1 (%2): %3; worst manifest age %4 s (before: %5 s); %6 parts lost, %7 repeated; observed %8 s.</source>
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
        <source>prefer pipeline %1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="139"/>
        <source>restart pipeline %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="146"/>
        <source>start %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="151"/>
        <source>stop %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="156"/>
        <source>acknowledge alarm %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/engine_client.cpp" line="161"/>
        <source>save channel %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="86"/>
        <source>Done: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="86"/>
        <source>Refused: %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="89"/>
        <source>Engine %1 unreachable: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="120"/>
        <source>Operator: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="121"/>
        <source>Vigil master control — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="123"/>
        <source>&amp;Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="124"/>
        <source>&amp;Operator…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="125"/>
        <source>&amp;Attach remote engine…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="127"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="129"/>
        <source>C&amp;hannel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="130"/>
        <source>&amp;New channel…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="135"/>
        <source>&amp;Wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="140"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="141"/>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="174"/>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="174"/>
        <source>Your name (kept in every action&apos;s event):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="181"/>
        <location filename="../ui/main_window.cpp" line="198"/>
        <source>Attach a remote engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="186"/>
        <source>Engine URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="187"/>
        <source>Control token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vigil::ui::OperatorActions</name>
    <message>
        <location filename="../ui/operator_actions.cpp" line="38"/>
        <source>Switch input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="39"/>
        <source>Hold on backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="42"/>
        <source>Prefer pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="44"/>
        <source>Restart pipeline %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="48"/>
        <source>Start channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="49"/>
        <source>Stop channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="50"/>
        <source>Rehearse failover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="51"/>
        <source>Fail over to standby region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="69"/>
        <source>The channel stays on its backup even when the primary is healthy again: viewers see the backup&apos;s picture until the hold is released. Use it while the primary path is worked on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="71"/>
        <source>The channel returns to the primary once it has been healthy for the hold-off time, at a segment boundary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="89"/>
        <source>The channel starts from its saved specification. Its playlists continue the media sequence after a discontinuity; players reloading them resume.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="102"/>
        <source>A real input failover is performed now and its impact measured for 8 s. If the backup is fit viewers see its picture from the next segment boundary; nothing else.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="104"/>
        <source>The worker of the pipeline on air is killed now (SIGKILL) and the impact measured for 8 s. If the other pipeline is healthy viewers see no change; if not, the emergency slate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="110"/>
        <source>No standby region is configured for this engine: region failover needs a standby engine following this one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="126"/>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="128"/>
        <source>Go ahead?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="144"/>
        <source>No channel selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="147"/>
        <source>The channel is not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="150"/>
        <source>Start the channel from its saved specification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="154"/>
        <source>The channel is running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="157"/>
        <location filename="../ui/operator_actions.cpp" line="158"/>
        <source>The channel has no backup input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="162"/>
        <source>No other input is fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="165"/>
        <source>Keep the channel on its backup: no automatic return to the primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="171"/>
        <location filename="../ui/operator_actions.cpp" line="172"/>
        <source>This channel runs a single pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="176"/>
        <source>Pipeline %1 is already preferred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="178"/>
        <source>Pipeline %1 is %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="183"/>
        <source>Rehearse an input failover and measure its impact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="184"/>
        <source>Rehearse a pipeline kill and measure its impact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="200"/>
        <source>Every viewer sees the slate (&quot;we&apos;ll be right back&quot;) and hears silence until an input is put back on air.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="204"/>
        <source>Input %1 is not fit (%2): viewers would see what it carries now, or the slate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="207"/>
        <source>Viewers see the feed of %1 from the next segment boundary. It carries the same programme (%2 ms behind): no frame lost or repeated, no stall, no discontinuity.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="211"/>
        <source>Viewers see the picture and sound of %1 from the next segment boundary: a cut to a different picture, but no stall and no discontinuity (the keyframe grid is kept).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="219"/>
        <source>Pipeline %1 restarted recently and is held out of the manifest until its output is steady; the packager then takes its parts at a segment boundary. Viewers see no change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="222"/>
        <source>The packager takes the parts of pipeline %1 from the next segment boundary. Both pipelines encode the same pictures on the same keyframe grid: viewers see no change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="230"/>
        <source>The worker of pipeline %1 is killed and started again. Pipeline %2 carries the channel meanwhile: viewers see no change. Pipeline %1 rejoins once its output is steady.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="234"/>
        <source>No other pipeline is up: while pipeline %1 restarts (a few seconds) viewers see the emergency slate, then the programme again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/operator_actions.cpp" line="240"/>
        <source>The channel goes off air: every viewer&apos;s player stalls within seconds and then fails, because the playlists stop advancing. It stays declared and counts as an outage until it is started again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
