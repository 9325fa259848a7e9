/* commands.h - every subcommand's entry point and help text (table in main.c). */
#ifndef TG_COMMANDS_H
#define TG_COMMANDS_H

#define TG_DECLARE_COMMAND(name) \
	int cmd_##name(int argc, char **argv); \
	extern const char cmd_##name##_help[]

TG_DECLARE_COMMAND(init);
TG_DECLARE_COMMAND(add);
TG_DECLARE_COMMAND(probe);
TG_DECLARE_COMMAND(ls);
TG_DECLARE_COMMAND(show);
TG_DECLARE_COMMAND(log);
TG_DECLARE_COMMAND(verify);
TG_DECLARE_COMMAND(analyse);
TG_DECLARE_COMMAND(sun);
TG_DECLARE_COMMAND(shadow);
TG_DECLARE_COMMAND(tmk_score);
TG_DECLARE_COMMAND(shots);
TG_DECLARE_COMMAND(sync);
TG_DECLARE_COMMAND(incident);
TG_DECLARE_COMMAND(record);
TG_DECLARE_COMMAND(tag);
TG_DECLARE_COMMAND(note);
TG_DECLARE_COMMAND(pdq);
TG_DECLARE_COMMAND(vpdq);
TG_DECLARE_COMMAND(tmk);
TG_DECLARE_COMMAND(report);
TG_DECLARE_COMMAND(match);
TG_DECLARE_COMMAND(export);
TG_DECLARE_COMMAND(keyframes);
/* helpers: add declarations above */

#endif
